import { describe, expect, it } from 'vitest';
import { createRandom } from '../sampling.js';
import {
  binomialUpperBound,
  calibrateSelective,
  candidateThresholds,
  logBinomialCdf,
  type SelectivePoint,
} from './selective-risk.js';

/** P(shortfall | score s) = 0.6·(1 − s) for s ∈ [0, 1]: higher scores fall short less often. */
const shortfallProbability = (s: number) => 0.6 * (1 - s);
/** R(τ) = E[0.6(1 − s) | s ≥ τ] for s ~ U[0, 1]: 0.3·(1 − τ). */
const trueSelectiveRisk = (tau: number) => 0.3 * (1 - Math.max(0, tau));

const draw = (random: () => number, n: number): SelectivePoint[] =>
  Array.from({ length: n }, () => {
    const score = random();
    const shortfall = random() < shortfallProbability(score);
    return { score, shortfall, utilityGain: shortfall ? -1 : 0.2 };
  });

describe('binomial tails', () => {
  it('matches the direct sum for small n', () => {
    const direct = (k: number, n: number, p: number) => {
      let sum = 0;
      let c = 1;
      for (let i = 0; i <= k; i++) {
        sum += c * p ** i * (1 - p) ** (n - i);
        c = (c * (n - i)) / (i + 1);
      }
      return sum;
    };
    for (const [k, n, p] of [
      [0, 10, 0.1],
      [3, 20, 0.2],
      [7, 30, 0.5],
      [12, 40, 0.05],
    ] as const) {
      expect(Math.exp(logBinomialCdf(k, n, p))).toBeCloseTo(direct(k, n, p), 12);
    }
  });

  it('stays finite for thousands of trials (no underflow to -Infinity)', () => {
    expect(Number.isFinite(logBinomialCdf(900, 3000, 0.3))).toBe(true);
    expect(logBinomialCdf(3000, 3000, 0.3)).toBe(0);
  });

  it('gives the Clopper–Pearson bound: no shortfall in 59 answers is at most 4.95% at 95%', () => {
    expect(binomialUpperBound(0, 59, 0.05)).toBeCloseTo(1 - 0.05 ** (1 / 59), 6);
    expect(binomialUpperBound(5, 100, 0.05)).toBeGreaterThan(0.05);
  });
});

describe('selective risk control (Learn-then-Test, fixed sequence)', () => {
  it('holds the promise: over 300 calibration draws the true selective risk at τ̂ exceeds α in at most δ of them', () => {
    const alpha = 0.1;
    const delta = 0.1;
    let broken = 0;
    let certifiedDraws = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const random = createRandom(seed);
      const candidates = candidateThresholds(draw(random, 500), alpha);
      const result = calibrateSelective(draw(random, 400), candidates, alpha, delta);
      if (Number.isFinite(result.threshold)) certifiedDraws++;
      if (trueSelectiveRisk(result.threshold) > alpha && Number.isFinite(result.threshold)) broken++;
    }
    // It has power (R(τ) ≤ 0.1 only for the top third, so with 400 points about half the draws certify).
    expect(certifiedDraws).toBeGreaterThan(120);
    expect(broken / 300).toBeLessThanOrEqual(delta);
    expect(broken).toBeGreaterThan(0); // the bound is tight enough to be tested, not vacuous
  });

  it('the marginal CRC reading is not the selective one: a threshold can hold one and break the other', () => {
    // Accept everything: the share of all messages that are accepted and fall short is 0.3 = R(−∞).
    expect(trueSelectiveRisk(0)).toBeCloseTo(0.3);
  });

  it('a model whose every answer falls short certifies nothing: τ = +∞, every message defers', () => {
    const random = createRandom(3);
    const points = draw(random, 1000).map((p) => ({ ...p, shortfall: true }));
    const result = calibrateSelective(points, candidateThresholds(points, 0.3), 0.3, 0.05);
    expect(result.threshold).toBe(Infinity);
    expect(result.acceptRate).toBe(0);
  });

  it('λ chooses among the certified thresholds by utility; the promise does not move', () => {
    const random = createRandom(5);
    const calibration = draw(random, 2000);
    const candidates = candidateThresholds(draw(random, 2000), 0.2);
    // A device so cheap that every answer here gains: the lowest certified τ (most accepted).
    const cheap = calibrateSelective(
      calibration.map((p) => ({ ...p, utilityGain: 1 })),
      candidates,
      0.2,
      0.05,
    );
    // A device whose answers never gain: the most cautious certified τ.
    const dear = calibrateSelective(
      calibration.map((p) => ({ ...p, utilityGain: -1 })),
      candidates,
      0.2,
      0.05,
    );
    expect(cheap.threshold).toBeLessThan(dear.threshold);
    expect(cheap.certified).toBe(dear.certified);
    expect(cheap.riskUpperBound).toBeLessThanOrEqual(0.2);
    expect(dear.riskUpperBound).toBeLessThanOrEqual(0.2);
  });
});
