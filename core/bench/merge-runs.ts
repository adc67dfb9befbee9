/**
 * @module bench/merge-runs
 * `--runs K`: the whole matrix K times, each with fresh browsers and servers, merged into one
 * results object. Samples are pooled per configuration; each run's mean is kept (`run_means`), so
 * `--compare` can test between-run variation, the noise a CI gate really faces (one process, one
 * browser and one proxy per run make runs differ more than prompts within a run do).
 */
import type { BenchResults, RouteConfiguration, RouteMetric } from './results-schema.js';
import { mean, summarizeEach } from './stats.js';

export function mergeRuns(runs: readonly BenchResults[]): BenchResults {
  const [first, ...rest] = runs;
  if (!first) throw new Error('no runs to merge');
  if (rest.length === 0) return first;
  const configurations: RouteConfiguration[] = first.configurations.map((c) => {
    const same = runs
      .map((r) => r.configurations.find((x) => x.id === c.id))
      .filter((x): x is RouteConfiguration => x !== undefined);
    const samples: Partial<Record<RouteMetric, number[]>> = {};
    const runMeans: Partial<Record<RouteMetric, number[]>> = {};
    for (const metric of new Set(same.flatMap((x) => Object.keys(x.samples) as RouteMetric[]))) {
      const perRun = same.map((x) => (x.samples[metric] ?? []).filter(Number.isFinite)).filter((xs) => xs.length > 0);
      samples[metric] = perRun.flat();
      runMeans[metric] = perRun.map(mean);
    }
    const errors: Record<string, number> = {};
    for (const x of same) for (const [code, n] of Object.entries(x.errors)) errors[code] = (errors[code] ?? 0) + n;
    const rates = same.map((x) => x.deferral_rate).filter((x): x is number => x !== null);
    return {
      ...c,
      errors,
      samples,
      summary: summarizeEach(samples),
      run_means: runMeans,
      deferral_rate: rates.length ? +mean(rates).toFixed(4) : null,
    };
  });
  const sessions = first.sessions.map((s) => {
    const same = runs
      .map((r) => r.sessions.find((x) => x.rung === s.rung && x.load === s.load))
      .filter((x) => x !== undefined);
    const samples = Object.fromEntries(
      [...new Set(same.flatMap((x) => Object.keys(x.samples)))].map((k) => [
        k,
        same.flatMap((x) => (x.samples as Record<string, number[]>)[k] ?? []),
      ]),
    ) as typeof s.samples;
    return { ...s, samples, summary: summarizeEach(samples) };
  });
  const last = runs[runs.length - 1]!;
  return {
    ...first,
    created: last.created,
    configurations,
    sessions,
    machine: { ...first.machine, load_average_end: last.machine.load_average_end },
    matrix: { ...first.matrix, runs: runs.length },
  };
}
