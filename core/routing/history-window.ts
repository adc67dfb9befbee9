/**
 * @module routing/history-window
 * What the local model reads of a conversation. Its window must hold the prompt and the answer,
 * so the prompt gets `contextLength − answerReserve` tokens: the latest turns that fit, dropped
 * from the front by whole turns (a user message and what answered it), never cutting a message.
 * The last user message is never dropped: when it alone does not fit, the prompt cannot be read
 * locally and the router defers it (`reason: 'context'`) or, forced local, fails with
 * `context_window_exceeded` (decision 015). The edge always receives the whole conversation.
 */
import type { ChatMessage } from '../protocol/chat.js';

export type HistoryWindow =
  | {
      readonly fits: true;
      readonly messages: readonly ChatMessage[];
      readonly droppedMessages: number;
      readonly promptTokens: number;
      readonly budget: number;
    }
  | { readonly fits: false; readonly promptTokens: number; readonly budget: number };

/** Tokens kept free for the answer: the requested length, but never more than half the window. */
export function answerReserve(contextLength: number, maxTokens: number): number {
  return Math.max(1, Math.min(maxTokens, Math.floor(contextLength / 2)));
}

/** `countTokens` may be asynchronous: an engine whose tokenizer lives in another thread (GGUF) counts there. */
export async function fitHistory(
  messages: readonly ChatMessage[],
  countTokens: (messages: readonly ChatMessage[]) => number | Promise<number>,
  contextLength: number,
  maxTokens: number,
): Promise<HistoryWindow> {
  const budget = contextLength - answerReserve(contextLength, maxTokens);
  const system = messages.filter((m) => m.role === 'system');
  const turns = messages.filter((m) => m.role !== 'system');
  // Turn starts: every user message; a window starts at one of them, latest first.
  const starts = turns.flatMap((m, i) => (m.role === 'user' ? [i] : []));
  if (starts.length === 0) return { fits: false, promptTokens: 0, budget };
  let best: { start: number; tokens: number } | undefined;
  for (let s = starts.length - 1; s >= 0; s--) {
    const tokens = await countTokens([...system, ...turns.slice(starts[s])]);
    if (tokens > budget) break;
    best = { start: starts[s]!, tokens };
  }
  if (!best)
    return { fits: false, promptTokens: await countTokens([...system, ...turns.slice(starts.at(-1))]), budget };
  return {
    fits: true,
    messages: [...system, ...turns.slice(best.start)],
    droppedMessages: best.start,
    promptTokens: best.tokens,
    budget,
  };
}
