/**
 * @module data/split
 * Deterministic train / calibration / test split from a seed. CRC's guarantee needs the
 * calibration rows exchangeable with future prompts, so the split is a seeded permutation of
 * records (after deduplication), never an ordered slice of files.
 */
import { createRandom } from '../sampling.js';

export type SplitName = 'train' | 'calibration' | 'test';
export type SplitFractions = { readonly train: number; readonly calibration: number };

export const DEFAULT_SPLIT: SplitFractions = Object.freeze({ train: 0.6, calibration: 0.2 });

export function seededPermutation(length: number, seed: number): number[] {
  const random = createRandom(seed);
  const order = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export function splitIndices(
  length: number,
  seed: number,
  fractions: SplitFractions = DEFAULT_SPLIT,
): Record<SplitName, number[]> {
  const order = seededPermutation(length, seed);
  const trainEnd = Math.round(length * fractions.train);
  const calibrationEnd = trainEnd + Math.round(length * fractions.calibration);
  return {
    train: order.slice(0, trainEnd),
    calibration: order.slice(trainEnd, calibrationEnd),
    test: order.slice(calibrationEnd),
  };
}
