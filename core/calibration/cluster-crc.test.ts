import { describe, expect, it } from 'vitest';
import { createRandom } from '../sampling.js';
import { calibratePerCluster } from './cluster-crc.js';

describe('per-cluster CRC', () => {
  it('controls the realised risk inside every cluster (mean over seeds ≤ α + 1/(n+1))', () => {
    // Two clusters with different harm rates: a single global τ would over-accept in the harmful one.
    const draw = (random: () => number, n: number) =>
      Array.from({ length: n }, () => {
        const cluster = random() < 0.5 ? 0 : 1;
        const score = random();
        const harmful = random() < (cluster === 0 ? 0.1 : 0.6) * (1 - score);
        return { cluster, score, falseAcceptIfAccepted: harmful };
      });
    const risks = [0, 0];
    const seeds = 200;
    for (let seed = 1; seed <= seeds; seed++) {
      const random = createRandom(seed);
      const { perCluster } = calibratePerCluster(draw(random, 800), 2, 0.1);
      const test = draw(random, 800);
      for (const k of [0, 1]) {
        const own = test.filter((p) => p.cluster === k);
        risks[k]! +=
          own.filter((p) => p.score >= perCluster[k]!.threshold && p.falseAcceptIfAccepted).length / own.length / seeds;
      }
    }
    expect(risks[0]).toBeLessThanOrEqual(0.1 + 1 / 401);
    expect(risks[1]).toBeLessThanOrEqual(0.1 + 1 / 401);
    expect(risks[0]).toBeGreaterThan(0.05); // not trivially conservative
  });

  it('defers everything in a cluster with fewer than minClusterSize calibration points', () => {
    const points = [
      ...Array.from({ length: 150 }, (_, i) => ({ cluster: 0, score: i, falseAcceptIfAccepted: false })),
      { cluster: 1, score: 5, falseAcceptIfAccepted: false },
    ];
    const { perCluster } = calibratePerCluster(points, 3, 0.1);
    expect(perCluster[0]!.fallback).toBe(false);
    expect(perCluster[0]!.threshold).toBe(0); // the lowest calibration score, never −∞
    expect(perCluster[1]).toMatchObject({ fallback: true, threshold: Infinity, nCalibration: 1 });
    expect(perCluster[2]).toMatchObject({ fallback: true, threshold: Infinity, nCalibration: 0 });
  });
});
