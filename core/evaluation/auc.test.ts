import { describe, expect, it } from 'vitest';
import { rocAuc } from './auc.js';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 for ties', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true])).toBe(0.5);
  });
  it('matches the pair count on a small mixed case', () => {
    // pairs (pos, neg): (0.4 vs 0.1) win, (0.4 vs 0.6) lose, (0.7 vs 0.1) win, (0.7 vs 0.6) win → 3/4
    expect(rocAuc([0.1, 0.4, 0.6, 0.7], [false, true, false, true])).toBe(0.75);
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
  });
});
