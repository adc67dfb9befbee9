import { describe, expect, it } from 'vitest';
import { studentTwoSidedP, summarize, welch } from './stats.js';

describe('benchmark statistics', () => {
  it('summarizes with interpolated percentiles and a 95% interval of the mean', () => {
    const s = summarize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])!;
    expect(s).toMatchObject({ n: 10, mean: 5.5, p50: 5.5, p95: 9.55, p99: 9.91 });
    // sd = 3.0277, se = 0.9574, ± 1.96 se
    expect(s.ci95[0]).toBeCloseTo(3.623, 2);
    expect(s.ci95[1]).toBeCloseTo(7.377, 2);
    expect(summarize([])).toBeNull();
    expect(summarize([NaN, 4])).toMatchObject({ n: 1, mean: 4, ci95: [4, 4] });
  });

  it('Welch: a shift far beyond the noise has p ≈ 0, the same samples p = 1', () => {
    const base = Array.from({ length: 30 }, (_, i) => 10 + (i % 5) * 0.1);
    const slower = base.map((x) => x + 2);
    expect(welch(base, slower).p).toBeLessThan(1e-6);
    expect(welch(base, slower).difference).toBeCloseTo(2, 9);
    expect(welch(base, base).p).toBeCloseTo(1, 6);
  });

  it('Student t p-values match the tables (two-sided)', () => {
    expect(studentTwoSidedP(2.228, 10)).toBeCloseTo(0.05, 3); // t_0.975, 10 df
    expect(studentTwoSidedP(12.706, 1)).toBeCloseTo(0.05, 3);
    expect(studentTwoSidedP(1.96, 1e6)).toBeCloseTo(0.05, 3); // → the normal
    expect(studentTwoSidedP(0, 5)).toBeCloseTo(1, 9);
  });
});

describe('confidence intervals over seeds', () => {
  it('uses Student t quantiles (t tables: 2.776 for 4 df, 12.706 for 1 df, 1.960 for many)', async () => {
    const { studentQuantile, meanWithInterval } = await import('./stats.js');
    expect(studentQuantile(0.05, 4)).toBeCloseTo(2.776, 3);
    expect(studentQuantile(0.05, 1)).toBeCloseTo(12.706, 2);
    expect(studentQuantile(0.05, 10_000)).toBeCloseTo(1.96, 2);
    const r = meanWithInterval([1, 2, 3, 4, 5]);
    expect(r.mean).toBe(3);
    expect(r.ci95[0]).toBeCloseTo(3 - 2.776 * Math.sqrt(2.5 / 5), 3);
    expect(meanWithInterval([7]).ci95.every(Number.isNaN)).toBe(true);
  });
});
