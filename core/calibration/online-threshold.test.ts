import { describe, expect, it } from 'vitest';
import { createRandom } from '../sampling.js';
import { calibrateThreshold } from './crc.js';
import {
  realisedRisk,
  startOnlineThreshold,
  updateOnlineThreshold,
  updateOnlineThresholdSampled,
} from './online-threshold.js';

/** mulberry32: a fixed-seed stream for the synthetic data. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = (u: () => number) => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());

/** The gate's score carries some signal; `baseRate` shifts how often the edge is strictly better. */
function prompt(u: () => number, baseRate: number) {
  const score = normal(u);
  const pEdgeBetter = Math.min(1, Math.max(0, baseRate * (1 - 0.6 * Math.tanh(score))));
  return { score, edgeBetter: u() < pEdgeBetter };
}

describe('online threshold (adaptive conformal inference)', () => {
  it('keeps the long-run false-acceptance rate at α through a distribution shift that breaks the static CRC threshold', () => {
    const alpha = 0.1;
    for (const seed of [1, 2, 3]) {
      const u = rng(seed);
      // Calibrate on the first regime (base rate 0.12), then the stream shifts to 0.35.
      const calibration = Array.from({ length: 2000 }, () => prompt(u, 0.12));
      const crc = calibrateThreshold(
        calibration.map((p) => ({ score: p.score, falseAcceptIfAccepted: p.edgeBetter })),
        alpha,
      );
      const stream = Array.from({ length: 20_000 }, () => prompt(u, 0.35));
      const staticRisk = stream.filter((p) => p.score >= crc.threshold && p.edgeBetter).length / stream.length;
      expect(staticRisk, `seed ${seed}: the shift breaks the static threshold`).toBeGreaterThan(alpha + 0.02);
      let state = startOnlineThreshold(crc.threshold, alpha, 0.05, [-6, 6]);
      for (const p of stream) state = updateOnlineThreshold(state, p);
      expect(Math.abs(realisedRisk(state) - alpha), `seed ${seed}`).toBeLessThanOrEqual(0.02);
      // And Gibbs & Candès' bound holds: |mean err − α| ≤ (B + γ)/(γ T).
      expect(Math.abs(realisedRisk(state) - alpha)).toBeLessThanOrEqual((12 + 0.05) / (0.05 * stream.length));
    }
  });

  it('starts from ±∞ calibrated thresholds inside its bounds, and moves by γ(1 − α) up / γα down', () => {
    const start = startOnlineThreshold(-Infinity, 0.1, 0.5, [-3, 3]);
    expect(start.threshold).toBe(-3);
    const afterMiss = updateOnlineThreshold(start, { score: 0, edgeBetter: true }); // accepted and wrong
    expect(afterMiss.threshold).toBeCloseTo(-3 + 0.5 * 0.9, 12);
    const afterFine = updateOnlineThreshold(afterMiss, { score: 0, edgeBetter: false });
    expect(afterFine.threshold).toBeCloseTo(-3 + 0.45 - 0.05, 12);
    expect(updateOnlineThreshold(start, { score: 0, edgeBetter: false }).threshold).toBe(-3); // clamped
  });
});

describe('replaying a shifted stream (static τ against adaptive)', () => {
  it('a group whose harm rate jumps breaks the static τ; the adaptive one brings it back to α', async () => {
    const { replayOnline } = await import('../decision/online-replay.js');
    const random = createRandom(5);
    // Calibrated on a world where harm is rare; the stream then moves to a group where it is common.
    const item = (group: string, harm: number) => {
      const score = random();
      return { group, score, edgeBetter: random() < harm * (1.2 - score) };
    };
    const stream = [
      ...Array.from({ length: 3000 }, () => item('easy', 0.05)),
      ...Array.from({ length: 6000 }, () => item('hard', 0.5)),
    ];
    const settings = {
      point: { costWeight: 1, riskLevel: 0.1 },
      calibrated: 0,
      selective: false,
      stepSize: 0.02,
      bounds: [-1, 2] as const,
    };
    const result = await replayOnline(stream, settings);
    const hard = result.groups.find((g) => g.group === 'hard')!;
    expect(hard.staticRisk).toBeGreaterThan(0.3);
    expect(hard.adaptiveRisk).toBeLessThan(0.1 + 0.02);
    expect(Math.abs(result.adaptiveRisk - 0.1)).toBeLessThan(0.02);
    // Every answer given here is labelled; deferred prompts have nothing to label.
    expect(result.labels).toBe(Math.round(result.groups.reduce((sum, g) => sum + g.adaptiveAcceptRate * g.n, 0)));
    expect(result.labels).toBeLessThan(stream.length);
    // With a judge on a quarter of the accepted prompts: fewer labels, the hard group still pulled down.
    const sampled = await replayOnline(stream, { ...settings, shadowRate: 0.25, seed: 3 });
    expect(sampled.labels).toBeLessThan(0.25 * stream.length);
    expect(sampled.labels).toBeGreaterThan(0.02 * stream.length);
    expect(sampled.groups.find((g) => g.group === 'hard')!.adaptiveRisk).toBeLessThan(0.1 + 0.03);
  });
});

describe('online threshold with sampled labels (a shadow rate ρ, inverse-probability weighted)', () => {
  it('keeps the long-run false-acceptance rate near α through the shift while the judge sees only ρ of the accepted prompts', () => {
    const alpha = 0.1;
    for (const [seed, rate] of [
      [1, 0.25],
      [2, 0.1],
    ] as const) {
      const u = rng(seed);
      const calibration = Array.from({ length: 2000 }, () => prompt(u, 0.12));
      const crc = calibrateThreshold(
        calibration.map((p) => ({ score: p.score, falseAcceptIfAccepted: p.edgeBetter })),
        alpha,
      );
      const stream = Array.from({ length: 40_000 }, () => prompt(u, 0.35));
      let state = startOnlineThreshold(crc.threshold, alpha, 0.05, [-6, 6]);
      let realised = 0;
      let checks = 0;
      for (const p of stream) {
        const accepted = p.score >= state.threshold;
        const checked = accepted && u() < rate;
        checks += checked ? 1 : 0;
        realised += accepted && p.edgeBetter ? 1 : 0;
        state = updateOnlineThresholdSampled(state, { accepted, checked, edgeBetter: p.edgeBetter, rate });
      }
      // The true rate (every prompt's label, which the loop never saw unless checked) ends near α.
      expect(Math.abs(realised / stream.length - alpha), `seed ${seed}, ρ ${rate}`).toBeLessThanOrEqual(0.02);
      expect(checks / stream.length).toBeLessThan(rate); // labels needed: only a share of the accepted prompts
    }
  });

  it('moves τ by γ/ρ − γα for a checked false acceptance and −γα otherwise', () => {
    const s = startOnlineThreshold(0, 0.1, 0.3, [-5, 5]);
    expect(
      updateOnlineThresholdSampled(s, { accepted: true, checked: true, edgeBetter: true, rate: 0.2 }).threshold,
    ).toBeCloseTo(0.3 / 0.2 - 0.03, 12);
    expect(
      updateOnlineThresholdSampled(s, { accepted: true, checked: false, edgeBetter: true, rate: 0.2 }).threshold,
    ).toBeCloseTo(-0.03, 12);
    expect(
      updateOnlineThresholdSampled(s, { accepted: false, checked: true, edgeBetter: true, rate: 0.2 }).threshold,
    ).toBeCloseTo(-0.03, 12);
  });
});
