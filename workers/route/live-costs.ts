/**
 * @module route/live-costs
 * The worker's live cost model (issue 15, point 3; decision 023). It keeps what this device and
 * link have shown: the local engine's prefill and decode speed, the edge's time to first token and
 * stream rate (EWMA, newest weighted `SMOOTHING`), and reads `navigator.connection` at decision
 * time. At each decision it recalibrates τ(λ, α) on the shipped calibration set under those costs
 * (core/calibration/calibration-set.ts), so the guarantee is about the utility on this device.
 * What it measured is kept in IndexedDB for the next visit (a week at most).
 */
import {
  parseCalibrationSet,
  recalibrate,
  type CalibrationSetFile,
  type CostOf,
} from '../../core/calibration/calibration-set.js';
import type { ThresholdsFile } from '../../core/calibration/threshold-table.js';
import { RouterError } from '../../core/errors.js';
import {
  costModelInputs,
  liveEdgeCost,
  liveLocalCost,
  type LiveCostInputs,
  type LiveCostSources,
} from '../../core/routing/live-cost.js';
import type { WirelessConstants } from '../../core/routing/wireless-cost.js';
import type { Prefill } from '../../core/protocol/local-engine.js';
import type { DecisionCost } from '../../core/protocol/worker-api.js';
import { fetchVerified } from '../artifacts.js';
import type { KeyValueStore } from '../../core/protocol/key-value-store.js';

/** Weight of the newest measurement in each moving average. */
export const SMOOTHING = 0.3;
/** Prefills shorter than this (the rest was cached) say more about overhead than speed: not counted. */
const MIN_MEASURED_TOKENS = 4;

type Connection = { effectiveType?: string; rtt?: number; downlink?: number; saveData?: boolean };

/** What was measured, as kept between visits (per local model and backend: another device or engine measures anew). */
export type MeasuredSpeeds = { prefill?: number; decode?: number; edgeFirst?: number; edgeRate?: number };
/** Measurements older than this are not reused: a laptop on battery, another network. */
export const KEEP_MEASUREMENTS_MS = 7 * 24 * 3600 * 1000;
type KeptSpeeds = { readonly savedAt: number; readonly measured: MeasuredSpeeds };
export type SpeedMemory = { readonly saved: MeasuredSpeeds | undefined; save(measured: MeasuredSpeeds): void };

export type LiveCosts = {
  observePrefill(prefill: Prefill): void;
  observeLocalDecode(tokens: number, seconds: number): void;
  observeEdge(firstTokenS: number, tokens: number, streamS: number): void;
  /** τ at a shipped operating point (and cluster) under the current figures, with the terms it used. */
  threshold(
    point: { costWeight: number; riskLevel: number },
    group: number | null,
    promptTokens: number,
    tableThreshold: number,
  ): { threshold: number; cost: DecisionCost };
};

/**
 * The speeds kept in IndexedDB under `riskgate:live-costs:<engine>` from an earlier visit, so a
 * return visit starts from this device's figures rather than the cost model's. A storage failure
 * only means starting from the cost model again.
 */
export async function speedMemory(store: KeyValueStore, engineKey: string, now = Date.now()): Promise<SpeedMemory> {
  const key = `riskgate:live-costs:${engineKey}`;
  const kept = (await store.get(key).catch(() => undefined)) as KeptSpeeds | undefined;
  const fresh =
    kept && typeof kept.savedAt === 'number' && now - kept.savedAt < KEEP_MEASUREMENTS_MS ? kept.measured : undefined;
  return {
    saved: fresh,
    save: (measured) => {
      void store.set(key, { savedAt: Date.now(), measured } satisfies KeptSpeeds).catch(() => undefined);
    },
  };
}

export async function loadLiveCosts(
  thresholds: ThresholdsFile,
  thresholdsUrl: string,
  gateSha256: string,
  memory?: SpeedMemory,
  signal?: AbortSignal,
): Promise<LiveCosts> {
  // Live recalibration reruns marginal CRC (decision 023). A selective table's certified set comes
  // from Learn-then-Test, whose candidates are ordered on the training split, which is not shipped.
  if ((thresholds.guarantee ?? 'marginal') !== 'marginal') {
    throw new RouterError(
      'invalid_artifact',
      'live costs recalibrate a marginal table only; this one promises the selective guarantee',
    );
  }
  const named = thresholds.calibration_set;
  if (!named)
    throw new RouterError(
      'invalid_artifact',
      'thresholds.json names no calibration set (run `riskgate calibrate` again)',
    );
  const { bytes } = await fetchVerified(new URL(named.json, thresholdsUrl).href, named.sha256, undefined, signal);
  const set = parseCalibrationSet(JSON.parse(new TextDecoder().decode(bytes)) as unknown, gateSha256);
  const constants = thresholds['cost_model'] as WirelessConstants | undefined;
  if (!constants)
    throw new RouterError('invalid_artifact', 'thresholds.json has no cost_model to normalise live costs with');
  return createLiveCosts(
    set,
    constants,
    () => (globalThis.navigator as { connection?: Connection } | undefined)?.connection,
    memory,
  );
}

export function createLiveCosts(
  set: CalibrationSetFile,
  constants: WirelessConstants,
  connection: () => Connection | undefined,
  memory?: SpeedMemory,
): LiveCosts {
  const prior = costModelInputs(constants);
  const measured: MeasuredSpeeds = { ...memory?.saved };
  const average = (old: number | undefined, value: number) =>
    old === undefined ? value : (1 - SMOOTHING) * old + SMOOTHING * value;
  const medianOutput = median(set.models[0]!.output_tokens);
  const edgeTypical = set.models
    .slice(1)
    .map((m) => ({ model: m, outputTokens: median(m.output_tokens), usd: median(m.usd) }));

  function current(): { inputs: LiveCostInputs; sources: LiveCostSources; connection: DecisionCost['connection'] } {
    const c = connection();
    // Chromium rounds rtt to 25 ms and reports 0 when it has no estimate yet: 0 is "unknown".
    const rttS = c?.rtt ? c.rtt / 1000 : undefined;
    return {
      inputs: {
        localPrefillTokensPerS: measured.prefill ?? prior.localPrefillTokensPerS,
        localDecodeTokensPerS: measured.decode ?? prior.localDecodeTokensPerS,
        edgeFirstTokenS: measured.edgeFirst ?? null,
        edgeDecodeTokensPerS: measured.edgeRate ?? null,
        networkRttS: rttS ?? prior.networkRttS,
      },
      sources: {
        localPrefill: measured.prefill ? 'measured' : 'cost model',
        localDecode: measured.decode ? 'measured' : 'cost model',
        edge: measured.edgeFirst ? 'measured' : 'modelled',
        network: rttS ? 'navigator.connection' : 'cost model',
      },
      connection: c
        ? {
            effectiveType: c.effectiveType ?? null,
            rttMs: c.rtt ?? null,
            downlinkMbps: c.downlink ?? null,
            saveData: c.saveData ?? false,
          }
        : null,
    };
  }

  const costOf =
    (inputs: LiveCostInputs): CostOf =>
    (m, row) => {
      const workload = { promptTokens: set.prompt_tokens[row]!, outputTokens: set.models[m]!.output_tokens[row]! };
      return m === 0
        ? liveLocalCost(workload, inputs, constants).normalized
        : liveEdgeCost(workload, set.models[m]!.profile!, inputs, constants, set.models[m]!.usd[row]!).normalized;
    };

  return {
    observePrefill(prefill) {
      const tokens = prefill.tokenCount - prefill.reusedTokens;
      if (tokens >= MIN_MEASURED_TOKENS && prefill.prefillMs > 0)
        measured.prefill = average(measured.prefill, tokens / (prefill.prefillMs / 1000));
      memory?.save(measured);
    },
    observeLocalDecode(tokens, seconds) {
      if (tokens > 1 && seconds > 0) measured.decode = average(measured.decode, tokens / seconds);
      memory?.save(measured);
    },
    observeEdge(firstTokenS, tokens, streamS) {
      measured.edgeFirst = average(measured.edgeFirst, firstTokenS);
      if (tokens > 1 && streamS > 0) measured.edgeRate = average(measured.edgeRate, (tokens - 1) / streamS);
      memory?.save(measured);
    },
    threshold(point, group, promptTokens, tableThreshold) {
      const now = current();
      const { threshold } = recalibrate(set, costOf(now.inputs), point, group);
      const workload = { promptTokens, outputTokens: medianOutput };
      // The cheapest edge model for this prompt, at each model's median price.
      const edge = edgeTypical
        .map(({ model, outputTokens, usd }) => ({
          ...liveEdgeCost({ promptTokens, outputTokens }, model.profile!, now.inputs, constants, usd),
          model: model.id,
        }))
        .reduce((a, b) => (b.normalized < a.normalized ? b : a));
      return {
        threshold,
        cost: {
          ...now,
          tableThreshold,
          prompt: { ...workload, local: liveLocalCost(workload, now.inputs, constants), edge },
        },
      };
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
