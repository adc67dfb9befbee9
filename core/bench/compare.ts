/**
 * @module bench/compare
 * `npm run bench -- --compare baseline.json`: the change of every metric of every configuration
 * both runs have, and which of them are regressions. A regression must be both larger than the
 * threshold (relative change of the mean in the bad direction) and unlikely to be noise (Welch's
 * test, p < 0.01). Requiring both keeps a noisy machine from failing a CI job on a few ms and an
 * enormous sample from flagging a change nobody would notice.
 */
import type { BenchResults } from './results-schema.js';
import { mean, welch } from './stats.js';

export type MetricChange = {
  readonly configuration: string;
  readonly metric: string;
  readonly baseline: number;
  readonly current: number;
  /** (current − baseline) / baseline. */
  readonly change: number;
  readonly p: number;
  readonly regression: boolean;
};

/** Higher is better for speeds; lower for times, bytes and heap. */
const higherIsBetter = (metric: string) => metric.endsWith('per_s');

/** Per configuration: each run's means when the run repeated the matrix (`--runs`), else the samples. */
function samplesById(results: BenchResults): Map<string, Record<string, number[]>> {
  const out = new Map<string, Record<string, number[]>>();
  for (const c of results.configurations)
    out.set(c.id, {
      ...(c.samples as Record<string, number[]>),
      ...(c.run_means as Record<string, number[]> | undefined),
    });
  for (const s of results.sessions) out.set(`${s.rung}/${s.load}/page`, s.samples as Record<string, number[]>);
  return out;
}

/** `only`: compare just the configurations whose id matches (e.g. /\/warm\// for warm pages). */
export function compareResults(
  baseline: BenchResults,
  current: BenchResults,
  {
    threshold = 0.1,
    alpha = 0.01,
    minChangeMs = 1,
    only,
  }: { threshold?: number; alpha?: number; minChangeMs?: number; only?: RegExp } = {},
): MetricChange[] {
  const before = samplesById(baseline);
  const changes: MetricChange[] = [];
  for (const [id, metrics] of samplesById(current)) {
    const old = before.get(id);
    if (!old || (only && !only.test(id))) continue;
    for (const [metric, samples] of Object.entries(metrics)) {
      const a = (old[metric] ?? []).filter(Number.isFinite);
      const b = samples.filter(Number.isFinite);
      if (a.length < 2 || b.length < 2) continue;
      const [m0, m1] = [mean(a), mean(b)];
      const change = m0 === 0 ? 0 : (m1 - m0) / Math.abs(m0);
      const worse = higherIsBetter(metric) ? -change : change;
      const { p } = welch(a, b);
      const bigEnough = !metric.endsWith('_ms') || Math.abs(m1 - m0) >= minChangeMs;
      changes.push({
        configuration: id,
        metric,
        baseline: m0,
        current: m1,
        change,
        p,
        regression: worse > threshold && bigEnough && p < alpha,
      });
    }
  }
  return changes;
}
