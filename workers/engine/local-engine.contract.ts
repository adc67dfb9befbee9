/**
 * @module engine/local-engine.contract
 * The behaviour every `LocalEngine` must have; each implementation's test runs it.
 */
import { describe, expect, it } from 'vitest';
import { RouterError } from '../../core/errors.js';
import type { LocalEngine } from '../../core/protocol/local-engine.js';
import { collectDecode } from './collect-decode.js';

const user = (content: string) => [{ role: 'user' as const, content }];

export function runLocalEngineContract(name: string, create: () => Promise<LocalEngine>): void {
  describe(`LocalEngine contract: ${name}`, () => {
    it('prefill returns the representation the engine advertises, and it depends on the prompt', async () => {
      const engine = await create();
      const a = await engine.prefill(user('Once upon a time'));
      const b = await engine.prefill(user('The dog barked'));
      expect(a.hiddenState).toHaveLength(engine.info.hiddenSize);
      expect(a.tokenCount).toBeGreaterThan(1);
      expect(a.lastLogits.length).toBeGreaterThan(1);
      expect(Array.from(a.lastLogits)).not.toEqual(Array.from(b.lastLogits));
      if (engine.info.representation === 'hidden_state_last') {
        expect(engine.info.hiddenSize).toBeGreaterThan(0);
        expect(Array.from(a.hiddenState)).not.toEqual(Array.from(b.hiddenState));
      } else {
        expect(engine.info.hiddenSize).toBe(0);
      }
    });

    it('countTokens counts what prefill reads (never fewer), so the history window can plan before prefilling', async () => {
      const engine = await create();
      const messages = user('Once upon a time there was a little dog');
      const prefill = await engine.prefill(messages);
      expect(await engine.countTokens(messages)).toBeGreaterThanOrEqual(prefill.tokenCount);
      expect(
        await engine.countTokens(user('a much longer prompt than the first one, with many more words in it')),
      ).toBeGreaterThan(await engine.countTokens(user('short')));
    });

    it('refuses to decode without a prefill, and after reset, with engine_not_ready', async () => {
      const engine = await create();
      await expect(engine.decode({ maxTokens: 3 }).next()).rejects.toMatchObject({ code: 'engine_not_ready' });
      await engine.prefill(user('Hello'));
      engine.reset();
      const error = await engine
        .decode({ maxTokens: 3 })
        .next()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RouterError);
    });

    it('stops at maxTokens with finish reason length, is deterministic, and honours abort', async () => {
      const engine = await create();
      await engine.prefill(user('Once upon a time'));
      const first = await collectDecode(engine.decode({ maxTokens: 7 }));
      expect(first.tokens).toHaveLength(7);
      expect(first.finishReason).toBe('length');
      await engine.prefill(user('Once upon a time'));
      expect((await collectDecode(engine.decode({ maxTokens: 7 }))).tokens).toEqual(first.tokens);
      await engine.prefill(user('Once upon a time'));
      const aborted = new AbortController();
      aborted.abort();
      expect(await collectDecode(engine.decode({ maxTokens: 7, signal: aborted.signal }))).toMatchObject({
        tokens: [],
        finishReason: 'abort',
      });
    });

    it('decodes from the prefill: one prefill per prompt whatever the answer length', async () => {
      const engine = await create();
      await engine.prefill(user('Once upon a time'));
      await collectDecode(engine.decode({ maxTokens: 12 }));
      expect(engine.counters().prefillCalls).toBe(1);
    });
  });
}
