import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCalibrationSet, recalibrate } from '../../core/calibration/calibration-set.js';
import { parseThresholdsFile } from '../../core/calibration/threshold-table.js';
import { liveEdgeCost, liveLocalCost } from '../../core/routing/live-cost.js';
import type { WirelessConstants } from '../../core/routing/wireless-cost.js';
import { STAND_IN_GATE_DIR } from '../../node/paths.js';
import { createLiveCosts, KEEP_MEASUREMENTS_MS, SMOOTHING, speedMemory } from './live-costs.js';
import type { KeyValueStore } from '../../core/protocol/key-value-store.js';

const thresholds = parseThresholdsFile(JSON.parse(readFileSync(resolve(STAND_IN_GATE_DIR, 'thresholds.json'), 'utf8')));
const set = parseCalibrationSet(
  JSON.parse(readFileSync(resolve(STAND_IN_GATE_DIR, thresholds.calibration_set!.json), 'utf8')),
  thresholds.gate_sha256,
);
const constants = thresholds['cost_model'] as WirelessConstants;
const prefill = (tokens: number, ms: number) => ({
  hiddenState: new Float32Array(),
  lastLogits: new Float32Array(),
  tokenCount: tokens + 2,
  reusedTokens: 2,
  truncatedTokens: 0,
  prefillMs: ms,
});
const point = { costWeight: 1, riskLevel: 0.1 };

describe("the worker's live costs", () => {
  it('starts from the cost model, then uses what it measured (EWMA), and recalibrates on those figures', () => {
    let connection: { rtt?: number; effectiveType?: string } | undefined;
    const live = createLiveCosts(set, constants, () => connection);
    const first = live.threshold(point, null, 50, 0.1).cost;
    expect(first.sources).toEqual({
      localPrefill: 'cost model',
      localDecode: 'cost model',
      edge: 'modelled',
      network: 'cost model',
    });
    expect(first.inputs.localPrefillTokensPerS).toBeCloseTo(1 / constants.localPrefillSPerToken, 9);

    live.observePrefill(prefill(100, 50)); // 2,000 tok/s
    live.observePrefill(prefill(100, 100)); // 1,000 tok/s
    live.observePrefill(prefill(2, 100)); // too short to say anything about speed: ignored
    live.observeLocalDecode(30, 1); // 30 tok/s
    live.observeEdge(0.8, 41, 2); // first token after 0.8 s, then 20 tok/s
    connection = { rtt: 300, effectiveType: '3g' };
    const { threshold, cost } = live.threshold(point, null, 50, 0.1);
    expect(cost.inputs).toEqual({
      localPrefillTokensPerS: (1 - SMOOTHING) * 2000 + SMOOTHING * 1000,
      localDecodeTokensPerS: 30,
      edgeFirstTokenS: 0.8,
      edgeDecodeTokensPerS: 20,
      networkRttS: 0.3,
    });
    expect(cost.sources).toEqual({
      localPrefill: 'measured',
      localDecode: 'measured',
      edge: 'measured',
      network: 'navigator.connection',
    });
    expect(cost.connection).toMatchObject({ effectiveType: '3g', rttMs: 300 });
    expect(cost.tableThreshold).toBe(0.1);
    // τ is CRC on the calibration set with exactly these costs.
    const costOf = (m: number, row: number) => {
      const w = { promptTokens: set.prompt_tokens[row]!, outputTokens: set.models[m]!.output_tokens[row]! };
      return m === 0
        ? liveLocalCost(w, cost.inputs, constants).normalized
        : liveEdgeCost(w, set.models[m]!.profile!, cost.inputs, constants, set.models[m]!.usd[row]!).normalized;
    };
    expect(threshold).toBe(recalibrate(set, costOf, point).threshold);
    expect(cost.prompt.promptTokens).toBe(50);
    expect(cost.prompt.edge.model).toBe('gpt-4-1106-preview');
  });

  it('a device that answers fast here gets a τ no higher than a slow one, at every shipped operating point', () => {
    const fast = createLiveCosts(set, constants, () => undefined);
    const slow = createLiveCosts(set, constants, () => undefined);
    fast.observePrefill(prefill(400, 20));
    fast.observeLocalDecode(500, 1);
    slow.observePrefill(prefill(400, 4000));
    slow.observeLocalDecode(5, 1);
    let lower = 0;
    for (const row of thresholds.rows) {
      const p = { costWeight: row.cost_weight, riskLevel: row.risk_level };
      const [f, s] = [fast.threshold(p, null, 50, 0).threshold, slow.threshold(p, null, 50, 0).threshold];
      expect(f).toBeLessThanOrEqual(s);
      if (f < s) lower++;
    }
    expect(lower).toBeGreaterThan(0);
  });

  it('keeps what it measured for the next visit (per engine, a week at most); a broken store only means starting from the cost model', async () => {
    const data = new Map<string, unknown>();
    const store: KeyValueStore = {
      get: async (k) => structuredClone(data.get(k)),
      set: async (k, v) => {
        data.set(k, structuredClone(v));
      },
    };
    const first = createLiveCosts(set, constants, () => undefined, await speedMemory(store, 'stories260K@wasm'));
    first.observePrefill(prefill(100, 50));
    first.observeLocalDecode(30, 1);
    await new Promise((r) => setTimeout(r, 0));
    const again = createLiveCosts(set, constants, () => undefined, await speedMemory(store, 'stories260K@wasm'));
    expect(again.threshold(point, null, 50, 0).cost).toMatchObject({
      inputs: { localPrefillTokensPerS: 2000, localDecodeTokensPerS: 30 },
      sources: { localPrefill: 'measured', localDecode: 'measured' },
    });
    expect((await speedMemory(store, 'stories260K@webgpu')).saved).toBeUndefined(); // another engine measures anew
    expect((await speedMemory(store, 'stories260K@wasm', Date.now() + KEEP_MEASUREMENTS_MS + 1)).saved).toBeUndefined(); // too old
    const broken: KeyValueStore = {
      get: async () => {
        throw new Error('private mode');
      },
      set: async () => {
        throw new Error('quota');
      },
    };
    const memory = await speedMemory(broken, 'stories260K@wasm');
    expect(memory.saved).toBeUndefined();
    expect(() => memory.save({ prefill: 1 })).not.toThrow();
  });
});
