/**
 * @module upstream/upstream.contract
 * What every `Upstream` must do; each implementation's test runs it against a real instance.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../core/protocol/chat.js';
import type { ToolCallPiece, Upstream, UpstreamResult } from './upstream.js';
import { UpstreamError } from './upstream-error.js';

export async function drainUpstream(
  upstream: Upstream,
  messages: readonly ChatMessage[],
  maxTokens: number,
  signal = new AbortController().signal,
): Promise<{ pieces: string[]; toolPieces: ToolCallPiece[]; result: UpstreamResult }> {
  const pieces: string[] = [];
  const toolPieces: ToolCallPiece[] = [];
  const stream = upstream.generate({ messages, maxTokens, temperature: 0, seed: 0 }, signal);
  for (;;) {
    const step = await stream.next();
    if (step.done) return { pieces, toolPieces, result: step.value };
    if (typeof step.value === 'string') pieces.push(step.value);
    else toolPieces.push(step.value);
  }
}

export function runUpstreamContract(name: string, create: () => Promise<{ upstream: Upstream; known: string }>): void {
  describe(`Upstream contract: ${name}`, () => {
    it('streams a non-empty answer for a prompt it can serve, with usage', async () => {
      const { upstream, known } = await create();
      const { pieces, toolPieces, result } = await drainUpstream(upstream, [{ role: 'user', content: known }], 64);
      expect(pieces.join('').trim().length).toBeGreaterThan(0);
      expect(toolPieces).toEqual([]); // no tools were offered: every piece is text
      expect(result.completionTokens).toBeGreaterThan(0);
      expect(['stop', 'length']).toContain(result.finishReason);
    });

    it('never yields more pieces than max tokens, and says length when it stops there', async () => {
      const { upstream, known } = await create();
      const { pieces, result } = await drainUpstream(upstream, [{ role: 'user', content: known }], 3);
      expect(pieces.length).toBeLessThanOrEqual(3);
      if (pieces.length === 3) expect(result.finishReason).toBe('length');
    });

    it('stops when the client aborts, with nothing after the abort', async () => {
      const { upstream, known } = await create();
      const controller = new AbortController();
      const stream = upstream.generate(
        { messages: [{ role: 'user', content: known }], maxTokens: 64, temperature: 0, seed: 0 },
        controller.signal,
      );
      await stream.next();
      controller.abort();
      let after = 0;
      try {
        for (;;) {
          const step = await stream.next();
          if (step.done) break;
          after++;
        }
      } catch (error) {
        expect(error).toBeInstanceOf(UpstreamError);
      }
      expect(after).toBeLessThanOrEqual(1);
    });
  });
}
