import { describe, expect, it } from 'vitest';
import { createRandom } from '../sampling.js';
import { calibrateThreshold, minimumCertifiableSize, type CalibrationPoint } from './crc.js';

/** Exchangeable synthetic scores: harmful rows score lower on average, with overlap. */
function synthetic(n: number, random: () => number): CalibrationPoint[] {
  return Array.from({ length: n }, () => {
    const harmful = random() < 0.3;
    return { score: (harmful ? 0 : 0.8) + random(), falseAcceptIfAccepted: harmful };
  });
}

describe('conformal risk control threshold (docs/methods.md §4.1)', () => {
  it('is monotone in α: a larger risk level never raises τ', () => {
    const points = synthetic(500, createRandom(7));
    const alphas = [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5];
    const taus = alphas.map((a) => calibrateThreshold(points, a).threshold);
    for (let i = 1; i < taus.length; i++) expect(taus[i]!).toBeLessThanOrEqual(taus[i - 1]!);
  });

  it('meets n/(n+1)·R̂ + 1/(n+1) ≤ α at τ̂, and one more acceptance would break it', () => {
    const points = synthetic(300, createRandom(3));
    const n = points.length;
    for (const alpha of [0.05, 0.1, 0.2]) {
      const { threshold, empiricalRisk } = calibrateThreshold(points, alpha);
      expect((n / (n + 1)) * empiricalRisk + 1 / (n + 1)).toBeLessThanOrEqual(alpha);
      const below = points.filter((p) => p.score < threshold).sort((a, b) => b.score - a.score);
      const next = below[0]!;
      const harmfulAtNext = points.filter((p) => p.score >= next.score && p.falseAcceptIfAccepted).length;
      expect((n / (n + 1)) * (harmfulAtNext / n) + 1 / (n + 1)).toBeGreaterThan(alpha);
    }
  });

  it('controls the realised risk in expectation: mean over 400 seeds within [α − 2/(n+1), α]', () => {
    const n = 200;
    for (const alpha of [0.05, 0.1, 0.2]) {
      let sum = 0;
      const draws = 400;
      for (let seed = 1; seed <= draws; seed++) {
        const random = createRandom(seed * 7919);
        const { threshold } = calibrateThreshold(synthetic(n, random), alpha);
        const test = synthetic(2000, random);
        sum += test.filter((p) => p.score >= threshold && p.falseAcceptIfAccepted).length / test.length;
      }
      const mean = sum / draws;
      expect(mean).toBeLessThanOrEqual(alpha + 0.005); // Monte-Carlo slack on 400×2000 draws
      expect(mean).toBeGreaterThanOrEqual(alpha - 2 / (n + 1) - 0.005);
    }
  });

  it('accepts nothing when n is too small for α (B/(n+1) > α): the feasibility rule n ≥ 1/α − 1', () => {
    expect(minimumCertifiableSize(0.05)).toBe(19);
    expect(minimumCertifiableSize(0.1)).toBe(9);
    expect(minimumCertifiableSize(0.3)).toBe(3);
    const harmless = (n: number) => Array.from({ length: n }, (_, i) => ({ score: i, falseAcceptIfAccepted: false }));
    expect(calibrateThreshold(harmless(8), 0.1)).toMatchObject({ threshold: Infinity, acceptRate: 0 });
    expect(calibrateThreshold(harmless(9), 0.1).threshold).toBeLessThan(Infinity);
    expect(calibrateThreshold(synthetic(5, createRandom(1)), 0.1)).toMatchObject({
      threshold: Infinity,
      acceptRate: 0,
    });
  });

  it('when every calibration prompt qualifies, accepts down to the lowest calibration score, never −∞ unless asked', () => {
    const safe = Array.from({ length: 50 }, (_, i) => ({ score: i - 7, falseAcceptIfAccepted: false }));
    expect(calibrateThreshold(safe, 0.05)).toMatchObject({ threshold: -7, acceptRate: 1, empiricalRisk: 0 });
    expect(calibrateThreshold(safe, 0.05, { belowCalibration: 'accept' }).threshold).toBe(-Infinity);
  });
});
