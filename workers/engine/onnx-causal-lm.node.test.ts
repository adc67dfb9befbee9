import { describe, expect, it } from 'vitest';
import { loadGolden, maxAbsDiff } from '../../testing/golden.js';
import { createNodeEngine } from '../../node/local-model.js';
import { collectDecode } from './collect-decode.js';

const golden = loadGolden();

describe('OnnxCausalLm on onnxruntime-node (converted stories260K)', () => {
  it.each(Object.entries(golden.cases))('matches golden case %s: token ids, text, hidden state', async (_, c) => {
    const engine = await createNodeEngine();
    const prefill = await engine.prefill([{ role: 'user', content: c.prompt }]);
    expect(prefill.tokenCount).toBe(c.prompt_tokens.length);
    const reference = c.final_normed_hidden_at_last_prompt_position;
    if (reference) expect(maxAbsDiff(prefill.hiddenState, reference)).toBeLessThan(1e-4);
    const { tokens, text } = await collectDecode(engine.decode({ maxTokens: c.generated_tokens.length }));
    expect(tokens).toEqual(c.generated_tokens);
    expect(text).toBe(c.completion_text ?? c.full_text);
  });

  it('decodes from the prefill cache: one prefill, one forward per further token', async () => {
    const engine = await createNodeEngine();
    await engine.prefill([{ role: 'user', content: 'Once upon a time' }]);
    await collectDecode(engine.decode({ maxTokens: 10 }));
    expect(engine.counters()).toEqual({ prefillCalls: 1, forwardCalls: 1 + 9, prefilledTokens: 5 });
  });
});

describe('multi-turn KV reuse (OnnxCausalLm, Node)', () => {
  const turn1 = [{ role: 'user' as const, content: 'Once upon a time' }];

  it('a local turn continues the cache: the next turn prefills only its new tokens, with the same hidden state as a fresh prefill', async () => {
    const engine = await createNodeEngine();
    await engine.prefill(turn1);
    const { text } = await collectDecode(engine.decode({ maxTokens: 12 }));
    const turn2 = [
      ...turn1,
      { role: 'assistant' as const, content: text },
      { role: 'user' as const, content: 'The end.' },
    ];
    const before = engine.counters().prefilledTokens;
    const continued = await engine.prefill(turn2);
    const fresh = await (await createNodeEngine()).prefill(turn2);
    expect(continued.reusedTokens).toBeGreaterThan(5);
    expect(engine.counters().prefilledTokens - before).toBe(continued.tokenCount - continued.reusedTokens);
    expect(continued.tokenCount).toBe(fresh.tokenCount);
    expect(maxAbsDiff(continued.hiddenState, Array.from(fresh.hiddenState))).toBeLessThan(1e-4);
    // And the continued cache decodes what a fresh one decodes.
    const a = await collectDecode(engine.decode({ maxTokens: 8 }));
    const freshEngine = await createNodeEngine();
    await freshEngine.prefill(turn2);
    expect(a.tokens).toEqual((await collectDecode(freshEngine.decode({ maxTokens: 8 }))).tokens);
  });

  it('after an edge turn, the edge reply is what gets prefilled; an unrelated conversation starts over', async () => {
    const engine = await createNodeEngine();
    const first = await engine.prefill(turn1);
    const reply = ', there was a little girl named Lily.';
    const turn2 = [
      ...turn1,
      { role: 'assistant' as const, content: reply },
      { role: 'user' as const, content: 'She liked to play.' },
    ];
    const second = await engine.prefill(turn2);
    expect(second.reusedTokens).toBe(first.tokenCount);
    const other = await engine.prefill([{ role: 'user' as const, content: 'Tim had a red ball.' }]);
    expect(other.reusedTokens).toBe(0);
  });
});

describe('an Optimum / transformers.js-layout export: attention_mask and position_ids fed, no hidden_states', () => {
  it('declares the extra inputs and no hidden_states, so the engine reads the logit sketch', async () => {
    const engine = await createNodeEngine('transformers');
    expect(engine.info).toMatchObject({ hiddenSize: 0, representation: 'logit_sketch' });
    const prefill = await engine.prefill([{ role: 'user', content: 'Once upon a time' }]);
    expect(prefill.hiddenState).toHaveLength(0);
    const reference = await (await createNodeEngine()).prefill([{ role: 'user', content: 'Once upon a time' }]);
    expect(maxAbsDiff(prefill.lastLogits, Array.from(reference.lastLogits))).toBeLessThan(1e-4);
  });

  // The graph takes its RoPE positions and key mask from the feeds: wrong positions or a mask of
  // zeros would change every token after the first.
  it.each(Object.entries(golden.cases))('matches golden case %s token for token', async (_, c) => {
    const engine = await createNodeEngine('transformers');
    await engine.prefill([{ role: 'user', content: c.prompt }]);
    const { tokens } = await collectDecode(engine.decode({ maxTokens: c.generated_tokens.length }));
    expect(tokens).toEqual(c.generated_tokens);
  });

  it('continues a conversation from its cache with positions that go on from the past length', async () => {
    const turn1 = [{ role: 'user' as const, content: 'Once upon a time' }];
    const turn2 = [
      ...turn1,
      { role: 'assistant' as const, content: ', there was a little girl.' },
      { role: 'user' as const, content: 'She liked to play.' },
    ];
    const engine = await createNodeEngine('transformers');
    await engine.prefill(turn1);
    const continued = await engine.prefill(turn2);
    expect(continued.reusedTokens).toBeGreaterThan(0);
    const fresh = await (await createNodeEngine('transformers')).prefill(turn2);
    expect(maxAbsDiff(continued.lastLogits, Array.from(fresh.lastLogits))).toBeLessThan(1e-4);
  });
});
