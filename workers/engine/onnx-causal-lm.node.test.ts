import { describe, expect, it } from 'vitest';
import { loadGolden, maxAbsDiff } from '../../cli/golden.js';
import { createNodeEngine } from '../../cli/local-model.js';
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
