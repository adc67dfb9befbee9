import { describe, expect, it } from 'vitest';
import {
  accuracyAtCost,
  averageQuality,
  costAtAccuracy,
  costReductionAtMatchedAccuracy,
  deployableFrontier,
} from './frontier.js';

describe('deployable frontier (RouterBench non-decreasing convex hull)', () => {
  it('drops dominated and non-convex points and stops at the most accurate point', () => {
    const f = deployableFrontier([
      { cost: 0, accuracy: 0.5 },
      { cost: 1, accuracy: 0.6 },
      { cost: 2, accuracy: 0.9 },
      { cost: 3, accuracy: 0.8 },
      { cost: 1.5, accuracy: 0.55 },
      { cost: 4, accuracy: 0.95 },
      { cost: 5, accuracy: 0.9 },
    ]);
    // (1, .6) lies under the chord (0,.5)→(2,.9); (5,.9) comes after the best point.
    expect(f).toEqual([
      { cost: 0, accuracy: 0.5 },
      { cost: 2, accuracy: 0.9 },
      { cost: 4, accuracy: 0.95 },
    ]);
  });

  it('interpolates both ways and refuses to extrapolate below the cheapest or above the best point', () => {
    const f = deployableFrontier([
      { cost: 1, accuracy: 0.5 },
      { cost: 3, accuracy: 0.9 },
    ]);
    expect(accuracyAtCost(f, 2)).toBeCloseTo(0.7, 12);
    expect(accuracyAtCost(f, 0.5)).toBeUndefined();
    expect(accuracyAtCost(f, 10)).toBeCloseTo(0.9, 12);
    expect(costAtAccuracy(f, 0.7)).toBeCloseTo(2, 12);
    expect(costAtAccuracy(f, 0.95)).toBeUndefined();
    expect(costAtAccuracy(f, 0.4)).toBeUndefined();
  });

  it('cost reduction at matched accuracy: 1 − C_ours/C_base over the shared range only', () => {
    const base = deployableFrontier([
      { cost: 1, accuracy: 0.5 },
      { cost: 3, accuracy: 0.9 },
    ]);
    const ours = deployableFrontier([
      { cost: 1, accuracy: 0.5 },
      { cost: 2, accuracy: 0.9 },
      { cost: 4, accuracy: 0.95 },
    ]);
    const r = costReductionAtMatchedAccuracy(ours, base);
    expect(r.accuracyRange).toEqual([0.5, 0.9]);
    expect(r.max).toBeCloseTo(1 - 2 / 3, 6); // at a = 0.9
    expect(r.atAccuracy).toBeCloseTo(0.9, 6);
    expect(costReductionAtMatchedAccuracy(base, base).max).toBeCloseTo(0, 12);
    expect(
      Number.isNaN(
        costReductionAtMatchedAccuracy(
          ours,
          deployableFrontier([
            { cost: 1, accuracy: 0.2 },
            { cost: 2, accuracy: 0.3 },
          ]),
        ).max,
      ),
    ).toBe(true);
  });

  it('AIQ of a flat frontier is its accuracy, and a dominating frontier has the higher AIQ', () => {
    expect(averageQuality([{ cost: 0, accuracy: 0.7 }], [0, 1])).toBeCloseTo(0.7, 12);
    const low = deployableFrontier([
      { cost: 0, accuracy: 0.5 },
      { cost: 1, accuracy: 0.9 },
    ]);
    const high = deployableFrontier([
      { cost: 0, accuracy: 0.5 },
      { cost: 0.5, accuracy: 0.85 },
      { cost: 1, accuracy: 0.9 },
    ]);
    expect(averageQuality(high, [0, 1])).toBeGreaterThan(averageQuality(low, [0, 1]));
  });
});
