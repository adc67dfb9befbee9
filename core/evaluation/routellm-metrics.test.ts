import { describe, expect, it } from 'vitest';
import { apgr, callPerformanceThreshold, pgrCurve } from './routellm-metrics.js';

describe('RouteLLM PGR / APGR / CPT', () => {
  const local = [1, 0, 0, 1, 0];
  const edge = [1, 1, 1, 1, 0];
  it('a perfect ranking reaches PGR 1 after sending only the prompts that gain', () => {
    const curve = pgrCurve([0, 1, 1, 0, 0], local, edge, 10);
    expect(callPerformanceThreshold(curve, 1)).toBeCloseTo(0.4, 12);
    expect(curve[0]!.pgr).toBe(0);
    expect(curve.at(-1)!.pgr).toBe(1);
  });
  it('a perfect ranking beats a reversed one on APGR and CPT(50%)', () => {
    const good = pgrCurve([0, 1, 1, 0, 0], local, edge, 100);
    const bad = pgrCurve([1, 0, 0, 1, 1], local, edge, 100);
    expect(apgr(good)).toBeGreaterThan(apgr(bad));
    expect(callPerformanceThreshold(good, 0.5)).toBeLessThan(callPerformanceThreshold(bad, 0.5));
  });
});
