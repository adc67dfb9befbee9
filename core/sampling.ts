/**
 * @module sampling
 * Next-token choice from logits: greedy argmax (temperature 0) or seeded temperature sampling,
 * so a fixed seed reproduces a local answer exactly.
 */

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** mulberry32: a tiny, well-known 32-bit PRNG; returns floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleToken(logits: ArrayLike<number>, temperature: number, random: () => number): number {
  if (temperature <= 0) return argmax(logits);
  const max = logits[argmax(logits)]!;
  const weights = Array.from({ length: logits.length }, (_, i) => Math.exp((logits[i]! - max) / temperature));
  let target = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target <= 0) return i;
  }
  return weights.length - 1;
}
