import { describe, expect, it } from 'vitest';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';
import { splitIndices } from '../../core/data/split.js';
import { defaultRoutingConfig } from '../../core/routing/routing-config.js';
import { buildRoutingTable } from '../../core/routing/routing-table.js';
import { createRandom } from '../../core/sampling.js';
import { evaluateRepresentation } from './evaluate-representation.js';

// A synthetic routing task with a real signal: the device model is right when x₀ > 0 (plus label
// noise); the edge model is right 85% of the time. x₁…x₇ are noise.
const random = createRandom(21);
const n = 1500;
const vectors = Array.from({ length: n }, () => Float32Array.from({ length: 8 }, () => random() * 2 - 1));
const records: RoutingRecord[] = vectors.map((v, i) => ({
  id: String(i),
  source: 'synthetic',
  prompt: 'x'.repeat(40 + Math.floor(random() * 400)),
  outcomes: {
    device: { quality: v[0]! > 0 !== random() < 0.1 ? 1 : 0 },
    edge: { quality: random() < 0.85 ? 1 : 0, cost_usd: 0.01 },
  }, // a GPT-4-class price: the edge costs more than the device
}));
const table = buildRoutingTable(records, defaultRoutingConfig({ local: 'device', edge: ['edge'] }), 1);
const rep = { info: { modelId: 'synthetic', modelSha256: 'x', kind: 'lexical' as const, dim: 8 }, vectors };
const metrics = evaluateRepresentation(table, rep, splitIndices(n, 1), 1, () => {});

describe('evaluation of one representation (synthetic task with a known signal)', () => {
  it('keeps the mean realised false acceptance within α + 1/(n+1) (up to 2 s.e. of the re-split mean) at every operating point', () => {
    expect(metrics.operating_points.length).toBe(6 * 7);
    for (const p of metrics.operating_points) expect(p.far).toBeLessThanOrEqual(p.far_bound + 2 * p.far_se);
  });

  it('the gate beats a random mix, the oracle beats everything, and the reported reduction is against the best baseline', () => {
    expect(metrics.aiq.cr2_crc!).toBeGreaterThan(metrics.aiq.random_mix! + 0.01);
    for (const [name, aiq] of Object.entries(metrics.aiq))
      if (name !== 'oracle') expect(metrics.aiq.oracle!).toBeGreaterThanOrEqual(aiq);
    expect(metrics.gap_to_oracle).toBeGreaterThan(0);
    expect(metrics.cost_reduction_vs.random_mix!.max).toBeGreaterThan(0);
    const best = Object.entries(metrics.aiq)
      .filter(([k]) => ['random_mix', 'routellm_quantile', 'bao_fused', 'knn'].includes(k))
      .sort((a, b) => b[1] - a[1])[0]![0];
    expect(metrics.best_baseline).toBe(best);
    expect(metrics.cost_reduction_vs_best_baseline).toBe(metrics.cost_reduction_vs[best]!.max);
  });

  it('ranks prompts for RouteLLM call-share metrics better than chance (APGR > 0.55 of a random ranking)', () => {
    expect(metrics.call_share.cr2_gate!.apgr).toBeGreaterThan(0.6);
    expect(metrics.call_share.cr2_gate!.cpt50).toBeLessThan(0.5);
  });
});
