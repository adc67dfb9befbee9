import { describe, expect, it } from 'vitest';
import { applyCountSketch, createCountSketch, LOGIT_SKETCH_SEED } from '../../core/representation/count-sketch.js';
import { createRepresentationReader } from './representation-reader.js';

const prefill = {
  hiddenState: Float32Array.of(1, 2, 3, 4),
  lastLogits: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)),
  tokenCount: 3,
  reusedTokens: 0,
  truncatedTokens: 0,
  prefillMs: 1,
};
const info = (kind: 'hidden_state_last' | 'logit_sketch' | 'lexical', dim: number) => ({
  modelId: 'm',
  modelSha256: 's',
  kind,
  dim,
});

describe('representation reader (what the worker feeds the gate)', () => {
  it('passes the hidden state through for a hidden-state gate', () => {
    expect(createRepresentationReader(info('hidden_state_last', 4))(prefill)).toBe(prefill.hiddenState);
  });
  it('applies the same seeded count-sketch to the logits as the CLI trained on', () => {
    const read = createRepresentationReader(info('logit_sketch', 8));
    expect(Array.from(read(prefill))).toEqual(
      Array.from(applyCountSketch(createCountSketch(32, 8, LOGIT_SKETCH_SEED), prefill.lastLogits)),
    );
  });
  it('refuses a gate trained on a representation the engine cannot produce', () => {
    expect(() => createRepresentationReader(info('lexical', 14))).toThrow(
      expect.objectContaining({ code: 'artifact_mismatch' }),
    );
  });
});

describe('representation reader checked against the engine that will feed it', () => {
  const logitsOnly = {
    model: 'stories260K (transformers layout)',
    representation: 'logit_sketch' as const,
    hiddenSize: 0,
  };
  it('refuses a hidden-state gate on an engine without hidden_states, naming both', () => {
    expect(() => createRepresentationReader(info('hidden_state_last', 64), logitsOnly)).toThrow(
      expect.objectContaining({
        code: 'artifact_mismatch',
        message: expect.stringContaining('no hidden_states output'),
      }),
    );
  });
  it('refuses a hidden-state gate of another width', () => {
    expect(() =>
      createRepresentationReader(info('hidden_state_last', 64), {
        model: 'x',
        representation: 'hidden_state_last',
        hiddenSize: 128,
      }),
    ).toThrow(expect.objectContaining({ code: 'artifact_mismatch' }));
  });
  it('accepts a logit-sketch gate on any engine (every engine has logits)', () => {
    expect(() => createRepresentationReader(info('logit_sketch', 64), logitsOnly)).not.toThrow();
    expect(() =>
      createRepresentationReader(info('hidden_state_last', 64), {
        model: 'x',
        representation: 'hidden_state_last',
        hiddenSize: 64,
      }),
    ).not.toThrow();
  });
});
