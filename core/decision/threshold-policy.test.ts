import { describe, expect, it } from 'vitest';
import type { ThresholdsFile } from '../calibration/threshold-table.js';
import type { KeyValueStore } from '../protocol/key-value-store.js';
import type { Prefill } from '../protocol/local-engine.js';
import type { RouteRequest } from '../protocol/worker-api.js';
import { loadAdaptiveThresholds } from './adaptive-thresholds.js';
import { decide, deferBeforeGate } from './decide.js';
import { adaptive } from './refinements/adaptive.js';
import { liveCosts, type LiveThreshold } from './refinements/live-costs.js';
import { perCluster } from './refinements/per-cluster.js';
import { tablePolicy } from './table-policy.js';
import { composePolicy, type ThresholdRefinement } from './threshold-policy.js';

const memoryStore = (): KeyValueStore => {
  const data = new Map<string, unknown>();
  return {
    get: async (k) => structuredClone(data.get(k)),
    set: async (k, v) => {
      data.set(k, structuredClone(v));
    },
  };
};
const row = (risk_level: number, threshold: number | '+inf') => ({
  cost_weight: 1,
  risk_level,
  threshold,
  n_calibration: 100,
  empirical_risk: 0.05,
  accept_rate: 0.5,
});
const table = {
  format: 'riskgate.thresholds/1',
  gate_sha256: 'g',
  loss: 'false_acceptance',
  rows: [row(0.1, 0.2), row(0.05, '+inf'), row(0.2, -0.5)], // ACI never goes below the lowest τ (-0.5)
  representation: { modelId: 'm', modelSha256: 's', kind: 'hidden_state_last', dim: 2 },
} as ThresholdsFile;
const clusters = {
  k: 2,
  min_cluster_size: 1,
  mean: [0, 0],
  std: [1, 1],
  centroids: [
    [-1, 0],
    [1, 0],
  ],
  rows: [0, 1].map((cluster) => ({
    cluster,
    cost_weight: 1,
    risk_level: 0.1,
    threshold: cluster === 0 ? -0.3 : 0.7,
    n_calibration: 50,
    fallback: false,
  })),
};
const query = (
  over: Partial<{ riskLevel: number; mode: 'auto' | 'local' | 'edge'; representation: Float32Array }> = {},
) => ({
  costWeight: 1,
  riskLevel: 0.1,
  mode: 'auto' as const,
  promptTokens: 12,
  representation: undefined,
  ...over,
});
/** τ recalibrated under live costs: the table's τ plus a fixed amount, with the terms it used. */
const liveBy = (delta: number): LiveThreshold => ({
  threshold: (_p, _g, _t, tableThreshold) => ({ threshold: tableThreshold + delta, cost: null as never }),
});

describe('the threshold policy and its refinements', () => {
  it('the table gives τ at the grid point; off the grid nothing refines τ', () => {
    const policy = tablePolicy(table);
    expect(policy.read(query())).toMatchObject({
      threshold: 0.2,
      calibrated: 0.2,
      table: 0.2,
      point: { costWeight: 1, riskLevel: 0.1 },
      group: null,
    });
    expect(policy.status()).toEqual({ riskControl: 'marginal', costModel: 'calibrated', online: null });
  });

  it('per-cluster: the representation picks its centroid and that cluster’s τ; a prompt deferred before the gate keeps the marginal τ', () => {
    const policy = composePolicy(tablePolicy(table), [
      perCluster(
        { ...table, clusters },
        {
          mean: new Float32Array([0, 0]),
          std: new Float32Array([1, 1]),
          centroids: clusters.centroids.map((c) => new Float32Array(c)),
        },
      ),
    ]);
    expect(policy.read(query({ representation: new Float32Array([0.9, 0]) }))).toMatchObject({
      group: 1,
      threshold: 0.7,
      table: 0.7,
    });
    expect(policy.read(query({ representation: new Float32Array([-2, 0]) }))).toMatchObject({
      group: 0,
      threshold: -0.3,
    });
    expect(policy.read(query())).toMatchObject({ group: null, threshold: 0.2 });
    expect(policy.status().riskControl).toBe('per-cluster');
  });

  it('adaptive over live costs: the state is kept against the table’s τ and the live τ moves by the same offset', async () => {
    const online = await loadAdaptiveThresholds(memoryStore(), 'g', table, 0.02);
    const policy = composePolicy(tablePolicy(table), [liveCosts(liveBy(0.5)), adaptive(online)]);
    const first = policy.read(query());
    expect(first).toMatchObject({ threshold: 0.7, calibrated: 0.7, table: 0.2 });
    expect(first.offset).toBeCloseTo(0.5, 12);
    await first.settle('d1', 0.9); // answered here (0.9 ≥ 0.7): recorded as 0.4 against the table's 0.2
    const moved = 0.2 - 0.02 * 0.1;
    expect(online.thresholdFor({ costWeight: 1, riskLevel: 0.1, group: null }, 0.2)).toBeCloseTo(moved, 12);
    expect(policy.read(query()).threshold).toBeCloseTo(moved + 0.5, 12);
    expect(await policy.label('d1', { kind: 'fell-short' })).toMatchObject({ reportedShortfalls: 1, calibrated: 0.2 });
    expect(policy.status()).toMatchObject({ costModel: 'live', online: [{ reportedShortfalls: 1 }] });
  });

  it('a forced mode is never adapted, and an infinite live offset is not adapted either', async () => {
    const online = await loadAdaptiveThresholds(memoryStore(), 'g', table, 0.02);
    await online.recordDecision('seen', { costWeight: 1, riskLevel: 0.1, group: null }, 0.2, 0.9);
    const adapted = composePolicy(tablePolicy(table), [adaptive(online)]);
    expect(adapted.read(query()).threshold).toBeLessThan(0.2);
    expect(adapted.read(query({ mode: 'local' })).threshold).toBe(0.2);
    const uncertifiedLive = composePolicy(tablePolicy(table), [liveCosts(liveBy(Infinity)), adaptive(online)]);
    expect(uncertifiedLive.read(query()).threshold).toBe(Infinity);
  });

  it('a new refinement is one file and one line where the policy is composed (here: a floor on τ)', async () => {
    // The whole refinement: never answer here below τ = 0.5, whatever the layers beneath say.
    const floorAt =
      (minimum: number): ThresholdRefinement =>
      (inner) => ({
        ...inner,
        read: (q) => {
          const r = inner.read(q);
          return { ...r, threshold: Math.max(minimum, r.threshold) };
        },
      });
    const policy = composePolicy(tablePolicy(table), [undefined, floorAt(0.5)]);
    const request: RouteRequest = {
      messages: [{ role: 'user', content: 'hi' }],
      costWeight: 1,
      riskLevel: 0.1,
      mode: 'auto',
      endpoint: 'http://edge',
    };
    const prefill: Prefill = {
      hiddenState: new Float32Array(2),
      lastLogits: new Float32Array(0),
      tokenCount: 3,
      reusedTokens: 0,
      truncatedTokens: 0,
      prefillMs: 1,
    };
    const scorer = (score: number) => ({
      gate: { dim: 2, score: async () => score },
      readRepresentation: (p: Prefill) => p.hiddenState,
    });
    const ground = { policy, thresholds: table, thresholdsSource: 'network' as const };
    const context = { id: 'x', request, engine: null, droppedMessages: 0 };
    expect((await decide(prefill, context, ground, scorer(0.4), 'm')).decision).toMatchObject({
      path: 'edge',
      threshold: 0.5,
      calibratedThreshold: 0.2,
      reason: 'gate',
    });
    expect((await decide(prefill, context, ground, scorer(0.6), 'm')).decision).toMatchObject({
      path: 'local',
      model: 'm',
    });
    expect(deferBeforeGate(context, ground, 'context', 900)).toMatchObject({
      path: 'edge',
      reason: 'context',
      threshold: 0.5,
      score: NaN,
    });
  });
});
