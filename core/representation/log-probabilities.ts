/**
 * @module representation/log-probabilities
 * llama.cpp hands out the prefill's next-token distribution as probabilities (wllama's
 * `getLogits(-1)` in the browser, node-llama-cpp's `probabilities` natively), not raw logits.
 * log p = logit − logsumexp(logits): the logits up to one additive constant, which the logit
 * sketch removes anyway by centring (count-sketch.ts). Both sides go through this one function, so
 * the browser and the CLI that trains the gate read the same vector.
 */

/** Probabilities below this (float underflow in the softmax) read as this, so no coordinate is −∞. */
export const LOG_PROBABILITY_FLOOR = Math.log(1e-30);

/** `entries` are (token id, probability) pairs covering the whole vocabulary, in any order. */
export function logProbabilities(entries: Iterable<readonly [number, number]>): Float32Array {
  const list = [...entries];
  const vocab = list.reduce((n, [token]) => Math.max(n, token + 1), 0);
  const out = new Float32Array(vocab).fill(LOG_PROBABILITY_FLOOR);
  for (const [token, p] of list) out[token] = p > 1e-30 ? Math.log(p) : LOG_PROBABILITY_FLOOR;
  return out;
}
