/**
 * @module representation/count-sketch
 * A fixed count-sketch (Charikar et al. 2002) of a long vector: each input coordinate i lands in
 * bucket h(i) with sign s(i), both from a seeded hash, so the sketch is a fixed linear map
 * S·x ∈ R^k. It reduces the prefill logits (vocabulary-sized) to the gate's input size; because
 * the logits are the unembedding W_U·h of the final hidden state h, S·W_U·h is a linear image of
 * h (docs/webllm.md §2). The same function runs in the worker and in the CLI, so they agree exactly.
 */

/** The seed of the logit sketch the CLI trains on and the worker applies (one constant, one sketch). */
export const LOGIT_SKETCH_SEED = 1;

export type CountSketch = {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly bucket: Int32Array;
  readonly sign: Float32Array;
};

/** murmur3's 32-bit finalizer: a well-mixed hash of (seed, i). */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export function createCountSketch(inputDim: number, outputDim: number, seed = 1): CountSketch {
  const bucket = new Int32Array(inputDim);
  const sign = new Float32Array(inputDim);
  for (let i = 0; i < inputDim; i++) {
    const h = mix(mix(seed) ^ (i + 0x9e3779b9));
    bucket[i] = h % outputDim;
    sign[i] = h >>> 31 === 1 ? 1 : -1;
  }
  return { inputDim, outputDim, bucket, sign };
}

/**
 * S·x, after centring x on its mean: logits are defined up to an additive constant (softmax is
 * shift-invariant), so centring makes the sketch depend only on what the model predicts.
 */
export function applyCountSketch(sketch: CountSketch, x: ArrayLike<number>): Float32Array {
  if (x.length !== sketch.inputDim) throw new Error(`count-sketch expects ${sketch.inputDim} values, got ${x.length}`);
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]! / x.length;
  const out = new Float32Array(sketch.outputDim);
  for (let i = 0; i < x.length; i++) out[sketch.bucket[i]!]! += sketch.sign[i]! * (x[i]! - mean);
  return out;
}
