import { describe, expect, it } from 'vitest';
import { compareResults } from './compare.js';
import type { BenchResults, RouteConfiguration } from './results-schema.js';

const config = (id: string, samples: RouteConfiguration['samples']): RouteConfiguration => ({
  id,
  rung: 'wasm-1',
  adapter: 'wasm (1 thread)',
  load: 'warm',
  point: { cost_weight: 0.5, risk_level: 0.1 },
  path: 'auto',
  prompt_set: 'short@v1',
  prompts: 3,
  deferral_rate: 0,
  errors: {},
  samples,
  summary: {},
});
const results = (configurations: RouteConfiguration[]) =>
  ({ configurations, sessions: [], commit: 'x', created: 'now' }) as unknown as BenchResults;
const noisy = (mean: number, n = 12) => Array.from({ length: n }, (_, i) => mean * (1 + (((i * 7) % 5) - 2) * 0.02));

describe('bench --compare', () => {
  it('flags a clear slowdown of a time and a clear drop of a speed, in the bad direction only', () => {
    const base = results([config('a', { ttft_ms: noisy(20), decode_tokens_per_s: noisy(700), gate_ms: noisy(5) })]);
    const slower = results([config('a', { ttft_ms: noisy(30), decode_tokens_per_s: noisy(500), gate_ms: noisy(3) })]);
    const byMetric = Object.fromEntries(compareResults(base, slower).map((c) => [c.metric, c.regression]));
    expect(byMetric).toEqual({ ttft_ms: true, decode_tokens_per_s: true, gate_ms: false }); // a faster gate is no regression
  });

  it('does not flag noise, changes under the threshold, or sub-millisecond shifts of tiny timings', () => {
    const base = results([config('a', { ttft_ms: noisy(20), gate_ms: noisy(0.1) })]);
    const same = results([config('a', { ttft_ms: noisy(20.2), gate_ms: noisy(0.2) })]);
    expect(compareResults(base, same).filter((c) => c.regression)).toEqual([]);
  });

  it('compares only configurations both runs have', () => {
    const base = results([config('a', { ttft_ms: noisy(20) })]);
    const other = results([config('b', { ttft_ms: noisy(90) })]);
    expect(compareResults(base, other)).toEqual([]);
  });

  it('compares only the configurations --only names', () => {
    const base = results([
      config('wasm-1/cold/x', { ttft_ms: noisy(20) }),
      config('wasm-1/warm/x', { ttft_ms: noisy(20) }),
    ]);
    const slower = results([
      config('wasm-1/cold/x', { ttft_ms: noisy(40) }),
      config('wasm-1/warm/x', { ttft_ms: noisy(20) }),
    ]);
    expect(
      compareResults(base, slower)
        .filter((c) => c.regression)
        .map((c) => c.configuration),
    ).toEqual(['wasm-1/cold/x']);
    expect(compareResults(base, slower, { only: /\/warm\// }).map((c) => c.configuration)).toEqual(['wasm-1/warm/x']);
  });

  it('with repeated runs it tests the run means: a within-run shift that runs do not repeat is not a regression', () => {
    // Samples say "slower" (tight within a run), but the three runs of each side overlap.
    const base = results([{ ...config('a', { ttft_ms: noisy(20) }), run_means: { ttft_ms: [18, 24, 20] } }]);
    const next = results([{ ...config('a', { ttft_ms: noisy(26) }), run_means: { ttft_ms: [30, 19, 26] } }]); // +21%, but within the runs' spread
    expect(compareResults(base, next, { threshold: 0.1 }).find((c) => c.metric === 'ttft_ms')!.regression).toBe(false);
    const onSamples = results([config('a', { ttft_ms: noisy(26) })]);
    expect(
      compareResults(results([config('a', { ttft_ms: noisy(20) })]), onSamples, { threshold: 0.1 })[0]!.regression,
    ).toBe(true);
  });
});
