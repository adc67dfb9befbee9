/**
 * @module gate/mlp
 * The margin gate g_θ(e(x), λ) (CR² §1.4 step 3): standardize the frozen representation, append
 * the cost weight λ, one tanh hidden layer, a linear margin output. Trained here by regression
 * on the full-information margin Δ(x; λ) with MSE and Adam, seeded, in plain TypeScript (a
 * few thousand rows × 65 inputs; no tensor library is needed for that).
 */
import { createRandom } from '../sampling.js';
import { seededPermutation } from '../data/split.js';

export type GateWeights = {
  readonly inputDim: number; // d (the representation), λ comes on top
  readonly hiddenDim: number;
  readonly mean: Float32Array; // [d]
  readonly std: Float32Array; // [d]
  readonly w1: Float32Array; // [(d+1) × hidden], row-major (input-major, for MatMul(x, W1))
  readonly b1: Float32Array; // [hidden]
  readonly w2: Float32Array; // [hidden]
  readonly b2: number;
};

export type GateTrainingOptions = {
  readonly hiddenDim?: number; // @default 32
  readonly epochs?: number; // @default 30
  readonly batchSize?: number; // @default 128
  readonly learningRate?: number; // @default 3e-3
  readonly seed?: number; // @default 1
  /** λ is drawn uniformly from [0, maxCostWeight] per row and epoch. @default 2 */
  readonly maxCostWeight?: number;
};

/** Pure-TS forward pass; the ONNX export computes the same (parity test: gate-onnx.test.ts). */
export function predictMargin(weights: GateWeights, representation: ArrayLike<number>, costWeight: number): number {
  const { inputDim: d, hiddenDim: k, mean, std, w1, b1, w2, b2 } = weights;
  let out = b2;
  for (let j = 0; j < k; j++) {
    let a = b1[j]!;
    for (let i = 0; i < d; i++) a += ((representation[i]! - mean[i]!) / std[i]!) * w1[i * k + j]!;
    a += costWeight * w1[d * k + j]!;
    out += Math.tanh(a) * w2[j]!;
  }
  return out;
}

export function standardization(
  vectors: readonly Float32Array[],
  d: number,
): { mean: Float32Array; std: Float32Array } {
  const mean = new Float32Array(d);
  const std = new Float32Array(d);
  for (const v of vectors) for (let i = 0; i < d; i++) mean[i]! += v[i]! / vectors.length;
  for (const v of vectors) for (let i = 0; i < d; i++) std[i]! += (v[i]! - mean[i]!) ** 2 / vectors.length;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]!) || 1;
  return { mean, std };
}

/**
 * Fits the gate to Δ. `margin(row, λ)` gives the full-information label for a training row at
 * cost weight λ (so λ is resampled every epoch instead of fixing a grid at training time).
 */
export function trainMarginGate(
  representations: readonly Float32Array[],
  margin: (row: number, costWeight: number) => number,
  options: GateTrainingOptions = {},
): { weights: GateWeights; finalLoss: number } {
  const d = representations[0]!.length;
  const k = options.hiddenDim ?? 32;
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 128;
  const lr = options.learningRate ?? 3e-3;
  const maxLambda = options.maxCostWeight ?? 2;
  const random = createRandom(options.seed ?? 1);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const { mean, std } = standardization(representations, d);
  const inputs = representations.map((v) => Float64Array.from(v, (x, i) => (x - mean[i]!) / std[i]!));

  // Parameters θ = [W1 (d+1)×k, b1 k, w2 k, b2] in one vector so Adam is one loop.
  const n1 = (d + 1) * k;
  const theta = new Float64Array(n1 + 2 * k + 1);
  for (let i = 0; i < n1; i++) theta[i] = gaussian() / Math.sqrt(d + 1);
  for (let j = 0; j < k; j++) theta[n1 + k + j] = gaussian() / Math.sqrt(k);
  const m = new Float64Array(theta.length);
  const v = new Float64Array(theta.length);
  const grad = new Float64Array(theta.length);
  const hidden = new Float64Array(k);
  let step = 0;
  let epochLoss = 0;

  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = seededPermutation(inputs.length, Math.floor(random() * 2 ** 32));
    epochLoss = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      grad.fill(0);
      for (const row of batch) {
        const x = inputs[row]!;
        const lambda = random() * maxLambda;
        let out = theta[n1 + 2 * k]!;
        for (let j = 0; j < k; j++) {
          let a = theta[n1 + j]! + lambda * theta[d * k + j]!;
          for (let i = 0; i < d; i++) a += x[i]! * theta[i * k + j]!;
          hidden[j] = Math.tanh(a);
          out += hidden[j]! * theta[n1 + k + j]!;
        }
        const error = out - margin(row, lambda);
        epochLoss += error * error;
        const g = (2 * error) / batch.length;
        grad[n1 + 2 * k]! += g;
        for (let j = 0; j < k; j++) {
          grad[n1 + k + j]! += g * hidden[j]!;
          const ga = g * theta[n1 + k + j]! * (1 - hidden[j]! ** 2);
          grad[n1 + j]! += ga;
          grad[d * k + j]! += ga * lambda;
          for (let i = 0; i < d; i++) grad[i * k + j]! += ga * x[i]!;
        }
      }
      step++;
      for (let p = 0; p < theta.length; p++) {
        m[p] = 0.9 * m[p]! + 0.1 * grad[p]!;
        v[p] = 0.999 * v[p]! + 0.001 * grad[p]! ** 2;
        theta[p]! -= (lr * (m[p]! / (1 - 0.9 ** step))) / (Math.sqrt(v[p]! / (1 - 0.999 ** step)) + 1e-8);
      }
    }
  }
  const weights: GateWeights = {
    inputDim: d,
    hiddenDim: k,
    mean,
    std,
    w1: Float32Array.from(theta.subarray(0, n1)),
    b1: Float32Array.from(theta.subarray(n1, n1 + k)),
    w2: Float32Array.from(theta.subarray(n1 + k, n1 + 2 * k)),
    b2: Math.fround(theta[n1 + 2 * k]!),
  };
  return { weights, finalLoss: epochLoss / inputs.length };
}
