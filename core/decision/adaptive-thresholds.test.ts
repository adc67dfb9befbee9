import { describe, expect, it } from 'vitest';
import type { ThresholdsFile } from '../calibration/threshold-table.js';
import type { KeyValueStore } from '../protocol/key-value-store.js';
import { loadAdaptiveThresholds } from './adaptive-thresholds.js';

const memoryStore = (): KeyValueStore & { data: Map<string, unknown> } => {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async (k) => structuredClone(data.get(k)),
    set: async (k, v) => {
      data.set(k, structuredClone(v));
    },
  };
};
const table = {
  format: 'riskgate.thresholds/1',
  gate_sha256: 'g',
  representation: { modelId: 'm', modelSha256: 's', kind: 'hidden_state_last', dim: 2 },
  loss: 'false_acceptance',
  rows: [
    { cost_weight: 1, risk_level: 0.1, threshold: 0.2, n_calibration: 100, empirical_risk: 0.05, accept_rate: 0.5 },
    { cost_weight: 1, risk_level: 0.05, threshold: '+inf', n_calibration: 10, empirical_risk: 0, accept_rate: 0 },
    { cost_weight: 1, risk_level: 0.2, threshold: -0.5, n_calibration: 100, empirical_risk: 0.15, accept_rate: 0.9 },
  ],
} as ThresholdsFile;

const P = { costWeight: 1, riskLevel: 0.1, group: null };

describe('adaptive thresholds', () => {
  it('every gate decision lowers τ by γα; a reported shortfall on an answer given here raises it by γ, once; the state survives a reload', async () => {
    const store = memoryStore();
    const online = await loadAdaptiveThresholds(store, 'g', table, 0.02);
    expect(online.thresholdFor(P, 0.2)).toBe(0.2); // nothing learned yet: the calibrated τ
    await online.recordDecision('deferred', P, 0.2, 0.1); // 0.1 < 0.2: deferred
    await online.recordDecision('kept', P, 0.2, 0.5); // answered here
    expect(online.thresholdFor(P, 0.2)).toBeCloseTo(0.2 - 2 * 0.02 * 0.1, 12);
    expect(await online.recordFellShort('deferred')).toBeNull(); // a deferred prompt cannot be a false acceptance
    expect(await online.recordFellShort('nobody')).toBeNull();
    const moved = await online.recordFellShort('kept');
    expect(moved).toMatchObject({
      costWeight: 1,
      riskLevel: 0.1,
      group: null,
      calibrated: 0.2,
      labels: 2,
      reportedShortfalls: 1,
    });
    expect(moved!.threshold).toBeCloseTo(0.2 - 0.004 + 0.02, 12);
    expect(await online.recordFellShort('kept')).toBeNull(); // reported twice, counted once
    const reloaded = await loadAdaptiveThresholds(store, 'g', table, 0.02);
    expect(reloaded.thresholdFor(P, 0.2)).toBeCloseTo(moved!.threshold, 12);
    expect(reloaded.status()).toEqual([moved]);
    // Another gate starts from its own calibrated table.
    expect((await loadAdaptiveThresholds(store, 'other', table, 0.02)).status()).toEqual([]);
  });

  it('keeps every upward step (no ceiling), never goes below the lowest calibrated τ, and routes on when storage fails', async () => {
    const broken: KeyValueStore = {
      get: async () => {
        throw new Error('private mode');
      },
      set: async () => {
        throw new Error('quota');
      },
    };
    const online = await loadAdaptiveThresholds(broken, 'g', table, 5);
    for (let i = 0; i < 10; i++) await online.recordDecision(`d${i}`, P, 0.2, 9);
    for (let i = 0; i < 10; i++) await online.recordFellShort(`d${i}`);
    // 10 decisions (−γα each: τ = 0.2 − 10·0.5 … clamped at the floor −0.5), then 10 shortfalls (+γ each).
    expect(online.thresholdFor(P, 0.2)).toBeCloseTo(-0.5 + 10 * 5, 9);
    for (let i = 0; i < 1000; i++) await online.recordDecision(`e${i}`, P, 0.2, -9);
    expect(online.thresholdFor(P, 0.2)).toBe(-0.5); // never below what calibration saw
  });

  it('under per-cluster risk control each cluster adapts on its own, from its own calibrated τ', async () => {
    const online = await loadAdaptiveThresholds(memoryStore(), 'g', table, 0.02);
    const inCluster = (group: number) => ({ costWeight: 1, riskLevel: 0.1, group });
    await online.recordDecision('a', inCluster(3), 0.1, 0.9);
    await online.recordFellShort('a');
    await online.recordDecision('b', inCluster(5), -0.2, -0.5);
    expect(online.thresholdFor(inCluster(3), 0.1)).toBeCloseTo(0.1 - 0.002 + 0.02, 12);
    expect(online.thresholdFor(inCluster(5), -0.2)).toBeCloseTo(-0.2 - 0.002, 12);
    expect(online.thresholdFor(P, 0.2)).toBe(0.2); // the marginal point is untouched
    expect(online.status().map((s) => [s.group, s.reportedShortfalls, s.calibrated])).toEqual([
      [3, 1, 0.1],
      [5, 0, -0.2],
    ]);
  });

  it('a judged shadow check: the edge better moves τ by γ/ρ; not worse moves nothing; each decision takes one label only', async () => {
    const online = await loadAdaptiveThresholds(memoryStore(), 'g', table, 0.02);
    for (const id of ['worse', 'fine', 'reported']) await online.recordDecision(id, P, 0.2, 0.9); // all answered here
    const start = online.thresholdFor(P, 0.2);
    const worse = await online.recordShadowVerdict('worse', true, 0.25);
    expect(worse).toMatchObject({ shadowChecks: 1, shadowShortfalls: 1, reportedShortfalls: 0, labels: 3 });
    expect(worse!.threshold).toBeCloseTo(start + 0.02 / 0.25, 12);
    const fine = await online.recordShadowVerdict('fine', false, 0.25);
    expect(fine).toMatchObject({ shadowChecks: 2, shadowShortfalls: 1, threshold: worse!.threshold });
    expect(await online.recordFellShort('worse')).toBeNull(); // the judge labelled it already
    expect(await online.recordFellShort('reported')).toMatchObject({ reportedShortfalls: 1, shadowChecks: 2 });
    expect(await online.recordShadowVerdict('reported', true, 0.25)).toBeNull(); // and the other way round
    expect(await online.recordShadowVerdict('fine', true, 0)).toBeNull(); // ρ must be in (0, 1]
    // Later decisions keep the point's check counts.
    await online.recordDecision('later', P, 0.2, 0.9);
    expect(await online.recordShadowVerdict('later', true, 0.25)).toMatchObject({
      shadowChecks: 3,
      shadowShortfalls: 2,
      reportedShortfalls: 1,
    });
  });

  it('an uncertified point (τ = +∞) stays deferred under feedback, whatever it is told', async () => {
    const online = await loadAdaptiveThresholds(memoryStore(), 'g', table, 0.3);
    for (let i = 0; i < 50; i++) await online.recordDecision(`u${i}`, P, Infinity, 100);
    expect(online.thresholdFor(P, Infinity)).toBe(Infinity);
  });

  it('under the selective promise a deferred prompt is no step: only answers given here move τ', async () => {
    const selective = { ...table, guarantee: 'selective' as const, delta: 0.05 };
    const online = await loadAdaptiveThresholds(memoryStore(), 'g', selective, 0.1);
    await online.recordDecision('deferred', P, 0.2, -1);
    expect(online.thresholdFor(P, 0.2)).toBe(0.2);
    await online.recordDecision('here', P, 0.2, 1);
    expect(online.thresholdFor(P, 0.2)).toBeCloseTo(0.2 - 0.1 * 0.1, 12);
  });
});
