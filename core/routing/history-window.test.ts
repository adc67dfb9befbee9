import { describe, expect, it } from 'vitest';
import { answerReserve, fitHistory } from './history-window.js';
import type { ChatMessage } from '../protocol/chat.js';

// One "token" per character plus BOS: easy to reason about, same shape as a real tokenizer count.
const count = (messages: readonly ChatMessage[]) => 1 + messages.reduce((n, m) => n + m.content.length, 0);
const turn = (q: string, a: string): ChatMessage[] => [
  { role: 'user', content: q },
  { role: 'assistant', content: a },
];

describe('fitHistory', () => {
  it('keeps the whole conversation when it fits with room for the answer', async () => {
    const messages = [...turn('aaaa', 'bbbb'), { role: 'user' as const, content: 'cc' }];
    expect(await fitHistory(messages, count, 32, 8)).toEqual({
      fits: true,
      messages,
      droppedMessages: 0,
      promptTokens: 11,
      budget: 24,
    });
  });

  it('drops whole turns from the front, keeping the latest that fit', async () => {
    const messages = [
      ...turn('a'.repeat(10), 'b'.repeat(10)),
      ...turn('c'.repeat(5), 'd'.repeat(5)),
      { role: 'user' as const, content: 'eeee' },
    ];
    const window = await fitHistory(messages, count, 32, 16); // budget 16
    expect(window).toMatchObject({ fits: true, droppedMessages: 2, promptTokens: 15 });
    if (window.fits) expect(window.messages.map((m) => m.content)).toEqual(['ccccc', 'ddddd', 'eeee']);
  });

  it('never starts the window on an assistant message, and keeps system messages', async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 's' },
      ...turn('a'.repeat(20), 'b'),
      { role: 'user', content: 'c' },
    ];
    const window = await fitHistory(messages, count, 16, 8);
    expect(window.fits && window.messages).toEqual([
      { role: 'system', content: 's' },
      { role: 'user', content: 'c' },
    ]);
  });

  it('says the prompt does not fit when the last user message alone is over the budget', async () => {
    expect(await fitHistory([{ role: 'user', content: 'x'.repeat(30) }], count, 32, 8)).toEqual({
      fits: false,
      promptTokens: 31,
      budget: 24,
    });
  });

  it('reserves the requested answer length, at most half the window', async () => {
    expect(answerReserve(512, 96)).toBe(96);
    expect(answerReserve(512, 4000)).toBe(256);
    expect(answerReserve(512, 0)).toBe(1);
  });
});
