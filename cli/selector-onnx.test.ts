import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildSelectorGraph } from '../core/gate/selector-graph.js';
import { predictMargin, trainMarginGate } from '../core/gate/mlp.js';
import { createRandom } from '../core/sampling.js';
import { encodeOnnxModel, readOnnxMetadata } from '../node/onnx-write.js';

// Two edge models: A is right when x₀ > 0, B when x₁ > 0.
const random = createRandom(5);
const reps = Array.from({ length: 500 }, () => Float32Array.from({ length: 6 }, () => random() * 2 - 1));
const fit = (axis: number) =>
  trainMarginGate(reps, (r) => (reps[r]![axis]! > 0 ? 1 : 0), { epochs: 30, hiddenDim: 8, seed: 2, maxCostWeight: 0 })
    .weights;
const models = [
  { id: 'edge-a', weights: fit(0) },
  { id: 'edge-b', weights: fit(1) },
];
const provenance = {
  representation: { modelId: 't', modelSha256: 'x', kind: 'hidden_state_last' as const, dim: 6 },
  trainingDataSha256: 'y',
  seed: 2,
};

describe('edge selector ONNX export', () => {
  it('outputs quality[N, M] equal to each TypeScript predictor within 1e-5, and names the models', async () => {
    const bytes = encodeOnnxModel(buildSelectorGraph(models, provenance));
    const session = await ort.InferenceSession.create(bytes);
    const batch = reps.slice(0, 50);
    const flat = new Float32Array(batch.length * 6);
    batch.forEach((r, i) => flat.set(r, i * 6));
    const { quality } = await session.run({ representation: new ort.Tensor('float32', flat, [batch.length, 6]) });
    expect(quality!.dims).toEqual([50, 2]);
    const q = quality!.data as Float32Array;
    batch.forEach((r, i) =>
      models.forEach((m, j) => expect(Math.abs(q[i * 2 + j]! - predictMargin(m.weights, r, 0))).toBeLessThan(1e-5)),
    );
    expect(JSON.parse(readOnnxMetadata(bytes)['riskgate.selector.models'] ?? '[]')).toEqual(['edge-a', 'edge-b']);
  });

  it('ranks the right model first on fresh prompts where exactly one of them is right', () => {
    const fresh = Array.from({ length: 400 }, () => Float32Array.from({ length: 6 }, () => random() * 2 - 1)).filter(
      (r) => r[0]! > 0 !== r[1]! > 0,
    );
    const right = fresh.filter(
      (r) => predictMargin(models[0]!.weights, r, 0) > predictMargin(models[1]!.weights, r, 0) === r[0]! > 0,
    );
    expect(right.length / fresh.length).toBeGreaterThan(0.85);
  });
});
