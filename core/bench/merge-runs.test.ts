import { describe, expect, it } from 'vitest';
import { mergeRuns } from './merge-runs.js';
import type { BenchResults } from './results-schema.js';

const run = (ttft: number[], ready: number, created: string) =>
  ({
    created,
    machine: { load_average_end: [ready, 0, 0] },
    matrix: { rungs: ['wasm-1'] },
    configurations: [{ id: 'c', errors: { aborted: 1 }, deferral_rate: 0.5, samples: { ttft_ms: ttft }, summary: {} }],
    sessions: [{ rung: 'wasm-1', load: 'cold', samples: { page_to_ready_ms: [ready] }, summary: {} }],
  }) as unknown as BenchResults;

describe('bench --runs: merging whole-matrix repeats', () => {
  it('pools samples, keeps the mean of each run, adds errors and averages deferral', () => {
    const merged = mergeRuns([run([10, 20], 500, 'a'), run([30, 50], 700, 'b')]);
    const c = merged.configurations[0]!;
    expect(c.samples.ttft_ms).toEqual([10, 20, 30, 50]);
    expect(c.run_means?.ttft_ms).toEqual([15, 40]);
    expect(c.summary.ttft_ms?.n).toBe(4);
    expect(c.errors).toEqual({ aborted: 2 });
    expect(c.deferral_rate).toBe(0.5);
    expect(merged.sessions[0]!.samples.page_to_ready_ms).toEqual([500, 700]);
    expect(merged.matrix.runs).toBe(2);
    expect(merged.created).toBe('b');
  });
});
