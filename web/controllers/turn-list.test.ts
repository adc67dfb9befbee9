import { describe, expect, it } from 'vitest';
import type { Decision } from '../../core/protocol/worker-api.js';
import { TurnList } from './turn-list.js';
import type { AnswerTurn, Turn, UserTurn } from './turns.js';

const decision = { path: 'edge' } as Decision;
const user = (id: number, state: UserTurn['state'] = 'sent'): UserTurn => ({ id, role: 'user', text: `q${id}`, state });
const answer = (id: number, promptId: number, streaming = false): AnswerTurn => ({
  id,
  role: 'assistant',
  text: `a${id}`,
  decision,
  streaming,
  promptId,
});
const listOf = (turns: Turn[]) => {
  const list = new TurnList({ requestUpdate: () => undefined } as never, () => null);
  list.turns = turns;
  return list;
};
const ids = (list: TurnList) => list.turns.map((t) => t.id);

describe('Edit and Ask again take back the last exchange only', () => {
  it('by the last prompt or the last turn: the prompt and what answered it leave, the rest stays', () => {
    const byPrompt = listOf([user(1), answer(2, 1), user(3), answer(4, 3)]);
    expect(byPrompt.takeBack(3)?.text).toBe('q3');
    expect(ids(byPrompt)).toEqual([1, 2]);
    const byAnswer = listOf([user(1), answer(2, 1), user(3), answer(4, 3), answer(5, 3)]); // "ask the larger model" too
    expect(byAnswer.takeBack(5)?.text).toBe('q3');
    expect(ids(byAnswer)).toEqual([1, 2]);
    const byError = listOf([user(1), { id: 2, role: 'error', code: 'edge_error', message: 'x', retry: 'q1' }]);
    expect(byError.takeBack(2)?.text).toBe('q1');
    expect(byError.turns).toEqual([]);
  });

  it('nothing changes for an earlier turn, an answer still streaming, a queued or unsent prompt, an empty list', () => {
    const cases: [Turn[], number][] = [
      [[user(1), answer(2, 1), user(3), answer(4, 3)], 2],
      [[user(1), answer(2, 1), user(3), answer(4, 3)], 1],
      [[user(1), answer(2, 1, true)], 2],
      [[user(1, 'queued')], 1],
      [[user(1, 'unsent'), { id: 2, role: 'error', code: 'asset_unreachable', message: 'x', reload: true }], 2],
      [[], 1],
    ];
    for (const [turns, id] of cases) {
      const list = listOf([...turns]);
      expect(list.takeBack(id), JSON.stringify(turns)).toBeUndefined();
      expect(list.turns).toEqual(turns);
    }
  });
});
