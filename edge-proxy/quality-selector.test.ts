import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import * as ort from 'onnxruntime-node';
import { buildSelectorGraph } from '../core/gate/selector-graph.js';
import type { GateWeights } from '../core/gate/mlp.js';
import { encodeRepresentation } from '../core/representation/wire.js';
import { encodeOnnxModel } from '../node/onnx-write.js';
import { createProxyApp } from './app.js';
import { createOnnxQualityPredictor, type OrtForPredictor } from './quality-predictor.js';
import type { Candidate } from './selector.js';
import { listen, startProxy } from './server.js';
import type { Upstream } from './upstream/upstream.js';

// Q̂_a = tanh(x₀), Q̂_b = tanh(−x₀): the representation decides which model is better.
const weights = (sign: number): GateWeights => ({
  inputDim: 2,
  hiddenDim: 1,
  mean: Float32Array.of(0, 0),
  std: Float32Array.of(1, 1),
  w1: Float32Array.of(sign, 0, 0),
  b1: Float32Array.of(0),
  w2: Float32Array.of(1),
  b2: 0,
});
const provenance = {
  representation: { modelId: 't', modelSha256: 'x', kind: 'hidden_state_last' as const, dim: 2 },
  trainingDataSha256: 'y',
  seed: 1,
};
const upstream = (id: string): Upstream => ({
  id,
  model: id,
  kind: 'replay',
  async *generate() {
    yield `answer from ${id}`;
    return { finishReason: 'stop', promptTokens: 3, completionTokens: 3 };
  },
});
// Priors favour b; only the selector can prefer a.
const candidates: Candidate[] = [
  { upstream: upstream('a'), priorQuality: 0.1, usdPer1kTokens: 0, ttftMs: 10, tokensPerSecond: 100 },
  { upstream: upstream('b'), priorQuality: 0.9, usdPer1kTokens: 0, ttftMs: 10, tokensPerSecond: 100 },
];

let server: Awaited<ReturnType<typeof listen>>;
let client: OpenAI;
beforeAll(async () => {
  const predictor = await createOnnxQualityPredictor(
    ort as unknown as OrtForPredictor,
    encodeOnnxModel(
      buildSelectorGraph(
        [
          { id: 'a', weights: weights(1) },
          { id: 'b', weights: weights(-1) },
        ],
        provenance,
      ),
    ),
    ['a', 'b'],
    't',
  );
  server = await listen(createProxyApp({ candidates, qualityPredictor: predictor }).fetch, 0);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' });
});
afterAll(() => server.close());

const ask = (router: Record<string, unknown>) =>
  client.chat.completions
    .create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], router } as never)
    .withResponse();

describe('edge selector reads the representation the browser sent (selector.onnx)', () => {
  it('serves the model selector.onnx predicts best for this representation, over the priors', async () => {
    const { data, response } = await ask({
      cost_weight: 0,
      representation: encodeRepresentation(Float32Array.of(0.9, 0)),
    });
    expect(response.headers.get('x-router-served-by')).toBe('a');
    expect(response.headers.get('x-router-quality-source')).toBe('selector');
    expect(data.choices[0]!.message.content).toBe('answer from a');
    const other = await ask({ cost_weight: 0, representation: encodeRepresentation(Float32Array.of(-0.9, 0)) });
    expect(other.response.headers.get('x-router-served-by')).toBe('b');
  });

  it('falls back to the priors without a representation or with one of the wrong size', async () => {
    const none = await ask({ cost_weight: 0 });
    expect(none.response.headers.get('x-router-served-by')).toBe('b');
    expect(none.response.headers.get('x-router-quality-source')).toBe('prior');
    const wrong = await ask({ cost_weight: 0, representation: encodeRepresentation(Float32Array.of(0.9, 0, 0)) });
    expect(wrong.response.headers.get('x-router-quality-source')).toBe('prior');
    expect(wrong.response.headers.get('x-router-served-by')).toBe('b');
  });

  it('falls back to the priors for a representation of the right size but another kind, and says so', async () => {
    const same = await ask({
      cost_weight: 0,
      representation: encodeRepresentation(Float32Array.of(0.9, 0)),
      representation_model: 't',
    });
    expect(same.response.headers.get('x-router-served-by')).toBe('a');
    const other = await ask({
      cost_weight: 0,
      representation: encodeRepresentation(Float32Array.of(0.9, 0)),
      representation_model: 't+count-sketch(seed 1)',
    });
    expect(other.response.headers.get('x-router-quality-source')).toBe('prior');
    expect(other.response.headers.get('x-router-served-by')).toBe('b');
  });

  it('the default proxy loads the committed selector.onnx and uses it for a 64-d representation', async () => {
    const proxy = await startProxy(0);
    try {
      const res = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          messages: [{ role: 'user', content: 'Once upon a time' }],
          max_tokens: 4,
          router: { cost_weight: 0, representation: encodeRepresentation(new Float32Array(64).fill(0.1)) },
        }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-router-quality-source')).toBe('selector');
      // The committed selector reads stories260K's hidden state, not its logit sketch.
      const sketch = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          messages: [{ role: 'user', content: 'Once upon a time' }],
          max_tokens: 4,
          router: {
            cost_weight: 0,
            representation: encodeRepresentation(new Float32Array(64).fill(0.1)),
            representation_model: 'stories260K+count-sketch(seed 1)',
          },
        }),
      });
      expect(sketch.headers.get('x-router-quality-source')).toBe('prior');
    } finally {
      await proxy.close();
    }
  });
});
