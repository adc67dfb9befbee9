/**
 * @module representation/log-probabilities
 * llama.cpp hands out the prefill's next-token distribution as probabilities (wllama's
 * `getLogits(-1)` in the browser, node-llama-cpp's `probabilities` natively), not raw logits.
 * log p = logit − logsumexp(logits): the logits up to one additive constant, which the logit
 * sketch removes anyway by centring (count-sketch.ts). Both sides go through this one function, so
 * the browser and the CLI that trains the gate read the same vector.
 */

/**
 * Probabilities below 1e-4 read as 1e-4. The gate's signal is in the head of the distribution
 * (what the model is about to say); the tail of ~32,000 tokens at p ≈ 1e-10 is where llama.cpp's
 * WASM and native kernels differ most, and it is also where the float softmax underflows to 0.
 */
export const LOG_PROBABILITY_FLOOR = Math.log(1e-4);

/** `entries` are (token id, probability) pairs covering the whole vocabulary, in any order. */
export function logProbabilities(entries: Iterable<readonly [number, number]>): Float32Array {
  const list = [...entries];
  const vocab = list.reduce((n, [token]) => Math.max(n, token + 1), 0);
  const out = new Float32Array(vocab).fill(LOG_PROBABILITY_FLOOR);
  for (const [token, p] of list) out[token] = Math.max(LOG_PROBABILITY_FLOOR, Math.log(p));
  return out;
}
