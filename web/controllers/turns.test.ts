import { describe, expect, it } from 'vitest';
import {
  historyBefore,
  insertAfter,
  lastTurnOf,
  sessionStats,
  type AnswerTurn,
  type Turn,
  type UserTurn,
} from './turns.js';
import type { Decision } from '../../core/protocol/worker-api.js';

const decision = (path: 'local' | 'edge'): Decision => ({
  id: 'd',
  path,
  reason: 'gate',
  droppedMessages: 0,
  mode: 'auto',
  score: 0,
  threshold: 0,
  calibratedThreshold: 0,
  group: null,
  costWeight: 0.5,
  riskLevel: 0.1,
  model: path,
  thresholdsSource: 'network',
  engine: null,
  cost: null,
  promise: { guarantee: 'selective', delta: 0.05, labelsModel: 'stories260K' },
});
const user = (id: number, text: string, state: UserTurn['state'] = 'sent'): UserTurn => ({
  id,
  role: 'user',
  text,
  state,
});
const answer = (
  id: number,
  promptId: number,
  text: string,
  path: 'local' | 'edge' = 'local',
  totalMs = 100,
): AnswerTurn => ({
  id,
  role: 'assistant',
  text,
  decision: decision(path),
  streaming: false,
  promptId,
  usage: { promptTokens: 5, completionTokens: 3 },
  timings: { prefillMs: 1, reusedTokens: 0, gateMs: 1, firstTokenMs: 1, totalMs, tokensPerSecond: 1 },
});

describe('turns', () => {
  it('a late answer (a delivered queued prompt) lands under its own prompt, after what already answers it', () => {
    const q = user(1, 'queued one', 'queued');
    const local = answer(2, 1, 'device answer');
    const later = user(3, 'next');
    let turns: Turn[] = [q, local, later, answer(4, 3, 'next answer')];
    const delivered = answer(5, 1, 'edge answer', 'edge');
    turns = insertAfter(turns, delivered, lastTurnOf(turns, q));
    expect(turns.map((t) => t.id)).toEqual([1, 2, 5, 3, 4]);
  });

  it('the history before a prompt holds sent prompts and non-empty answers, in order', () => {
    const turns: Turn[] = [user(1, 'a'), answer(2, 1, 'A'), user(3, 'b', 'unsent'), answer(4, 3, ''), user(5, 'c')];
    expect(historyBefore(turns, turns[4] as UserTurn)).toEqual([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'A' },
      { role: 'user', content: 'c' },
    ]);
  });

  it("a stopped answer and a device answer the visitor asked the larger model about are not history; the edge's answer is", () => {
    const stopped = { ...answer(2, 1, 'half an ans'), finishReason: 'aborted' as const };
    const asked = { ...answer(4, 3, 'weak device answer'), askedEdge: true as const };
    const turns: Turn[] = [
      user(1, 'a'),
      stopped,
      user(3, 'b'),
      asked,
      answer(5, 3, 'edge answer', 'edge'),
      user(6, 'c'),
    ];
    expect(historyBefore(turns, turns[5] as UserTurn)).toEqual([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'assistant', content: 'edge answer' },
      { role: 'user', content: 'c' },
    ]);
  });

  it('the tally counts finished answers by path and estimates time saved from this session only', () => {
    const turns: Turn[] = [user(1, 'a'), answer(2, 1, 'A', 'local', 100), user(3, 'b'), answer(4, 3, 'B', 'edge', 900)];
    expect(sessionStats(turns)).toEqual({
      prompts: 2,
      answeredLocally: 1,
      answeredByEdge: 1,
      tokensKeptOnDevice: 8,
      estimatedTimeSavedMs: 800,
    });
    expect(sessionStats(turns.slice(0, 2)).estimatedTimeSavedMs).toBeNull();
  });

  it('a device answer the visitor asked the larger model about counts once, as answered by the edge, with no tokens kept', () => {
    const asked = { ...answer(2, 1, 'A', 'local', 100), askedEdge: true as const };
    const turns: Turn[] = [user(1, 'a'), asked, answer(3, 1, 'A from the edge', 'edge', 900)];
    expect(sessionStats(turns)).toMatchObject({
      prompts: 1,
      answeredLocally: 0,
      answeredByEdge: 1,
      tokensKeptOnDevice: 0,
    });
  });
});
