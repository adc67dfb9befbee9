import { describe, expect, it } from 'vitest';
import { buildGateGraph } from '../core/gate/gate-graph.js';
import { predictMargin, trainMarginGate } from '../core/gate/mlp.js';
import { createRandom } from '../core/sampling.js';
import { encodeOnnxModel } from '../node/onnx-write.js';
import { createNodeGate } from './gate-node.js';
import * as ort from 'onnxruntime-node';
import { createTsMarginGate } from '../core/gate/ts-margin-gate.js';
import { createOnnxMarginGate } from '../workers/gate/onnx-margin-gate.js';
import type { OrtRuntime } from '../workers/engine/onnx-causal-lm.js';

// A learnable synthetic margin: Δ = sign(x₀) + 0.5·λ, so the gate must read both inputs.
const random = createRandom(11);
const reps = Array.from({ length: 600 }, () => Float32Array.from({ length: 8 }, () => random() * 2 - 1));
const margin = (row: number, lambda: number) => Math.sign(reps[row]![0]!) + 0.5 * lambda;
const { weights } = trainMarginGate(reps, margin, { epochs: 40, hiddenDim: 8, seed: 3 });
const provenance = {
  representation: { modelId: 't', modelSha256: 'x', kind: 'hidden_state_last' as const, dim: 8 },
  trainingDataSha256: 'y',
  seed: 3,
};

describe('margin gate', () => {
  it('learns the margin: sign of x₀ and the slope in λ', () => {
    const probe = (x0: number, lambda: number) =>
      predictMargin(weights, Float32Array.of(x0, 0, 0, 0, 0, 0, 0, 0), lambda);
    expect(probe(0.8, 0)).toBeGreaterThan(0.5);
    expect(probe(-0.8, 0)).toBeLessThan(-0.5);
    expect(probe(-0.8, 2) - probe(-0.8, 0)).toBeGreaterThan(0.5);
  });

  it('exports to ONNX whose output equals the TypeScript twin within 1e-5', async () => {
    const score = await createNodeGate(encodeOnnxModel(buildGateGraph(weights, provenance)));
    for (const lambda of [0, 0.5, 1.5]) {
      const onnx = await score(reps.slice(0, 100), lambda);
      reps
        .slice(0, 100)
        .forEach((r, i) => expect(Math.abs(onnx[i]! - predictMargin(weights, r, lambda))).toBeLessThan(1e-5));
    }
  });

  it('is reproducible from its seed', () => {
    const again = trainMarginGate(reps, margin, { epochs: 40, hiddenDim: 8, seed: 3 }).weights;
    expect(Array.from(again.w1)).toEqual(Array.from(weights.w1));
  });
});

describe('MarginGate implementations agree (ONNX in onnxruntime, pure TS)', () => {
  it('give the same score and dimension, and the ONNX gate refuses a wrong-sized representation', async () => {
    const onnxGate = await createOnnxMarginGate(
      ort as unknown as OrtRuntime,
      encodeOnnxModel(buildGateGraph(weights, provenance)),
      ['cpu'],
    );
    const tsGate = createTsMarginGate(weights);
    expect(onnxGate.dim).toBe(8);
    expect(tsGate.dim).toBe(8);
    for (const r of reps.slice(0, 20))
      expect(Math.abs((await onnxGate.score(r, 0.7)) - (await tsGate.score(r, 0.7)))).toBeLessThan(1e-5);
    await expect(onnxGate.score(new Float32Array(3), 0)).rejects.toMatchObject({ code: 'artifact_mismatch' });
  });
});
