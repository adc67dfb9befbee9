import { describe, expect, it } from 'vitest';
import { applyCountSketch, createCountSketch, LOGIT_SKETCH_SEED } from '../../core/representation/count-sketch.js';
import { createRepresentationReader } from './representation-reader.js';

const prefill = { hiddenState: Float32Array.of(1, 2, 3, 4), lastLogits: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)), tokenCount: 3, reusedTokens: 0, truncatedTokens: 0, prefillMs: 1 };
const info = (kind: 'hidden_state_last' | 'logit_sketch' | 'lexical', dim: number) => ({ modelId: 'm', modelSha256: 's', kind, dim });

describe('representation reader (what the worker feeds the gate)', () => {
  it('passes the hidden state through for a hidden-state gate', () => {
    expect(createRepresentationReader(info('hidden_state_last', 4))(prefill)).toBe(prefill.hiddenState);
  });
  it('applies the same seeded count-sketch to the logits as the CLI trained on', () => {
    const read = createRepresentationReader(info('logit_sketch', 8));
    expect(Array.from(read(prefill))).toEqual(Array.from(applyCountSketch(createCountSketch(32, 8, LOGIT_SKETCH_SEED), prefill.lastLogits)));
  });
  it('refuses a gate trained on a representation the engine cannot produce', () => {
    expect(() => createRepresentationReader(info('lexical', 14))).toThrow(expect.objectContaining({ code: 'artifact_mismatch' }));
  });
});
