/**
 * @module routing/routing-table
 * The full-information view of a routing dataset under a cost model: for every prompt and every
 * model in the roles, its recorded quality a_m(x) and its normalized deployment cost c̄_m(x, ξ)
 * (CR² §1.3) with one seeded channel state ξ per prompt. From it:
 *   U_m(x, ξ; λ) = a_m(x) − λ·c̄_m(x, ξ)                      (CR² §1.4 eq. 1)
 *   Δ(x, ξ; λ)  = U_local − max_{m ∈ edge} U_m                 (eq. 2; local is optimal iff Δ ≥ 0)
 * and the full-information reference router m* = argmax_m U_m (ties go local).
 */
import type { Outcome, RoutingRecord } from '../data/routing-dataset.js';
import type { RoutingConfig } from './routing-config.js';
import { createChannelSampler, edgeCost, localCost, type PathCost } from './wireless-cost.js';

export type RoutingTable = {
  /** models[0] is the local role; the rest are the edge models, in roles order. */
  readonly models: readonly string[];
  readonly rows: number;
  /** quality[m][row] ∈ [0,1]; NaN where the dataset has no label (that model is then unavailable). */
  readonly quality: readonly Float64Array[];
  /** cost[m][row]: c̄_m(x, ξ), including any extra cost (e.g. a mid-dialogue switch) given per row. */
  readonly cost: readonly Float64Array[];
  readonly latencyS: readonly Float64Array[];
  /** The workload and price behind each cost: prompt tokens per row, answer tokens and USD per (model, row). */
  readonly promptTokens: Float64Array;
  readonly outputTokens: readonly Float64Array[];
  readonly usd: readonly Float64Array[];
};

const tokens = (text: string, charsPerToken: number) => Math.max(1, Math.ceil(text.length / charsPerToken));

function outputTokens(outcome: Outcome | undefined, config: RoutingConfig): number {
  if (outcome?.output_tokens !== undefined) return outcome.output_tokens;
  if (outcome?.response) return tokens(outcome.response, config.charsPerToken);
  return config.defaultOutputTokens;
}

/**
 * @param extraCost optional c̄ added per (model, row): Bao §3.4's switching cost when the model
 *        that holds the dialogue's KV cache is not the one that answers this turn.
 */
export function buildRoutingTable(
  records: readonly RoutingRecord[],
  config: RoutingConfig,
  seed: number,
  extraCost?: (model: number, row: number) => number,
): RoutingTable {
  const models = [config.roles.local, ...config.roles.edge];
  const sample = createChannelSampler(seed, config.wireless);
  const quality = models.map(() => new Float64Array(records.length));
  const cost = models.map(() => new Float64Array(records.length));
  const latencyS = models.map(() => new Float64Array(records.length));
  const promptTokenCounts = new Float64Array(records.length);
  const outputTokenCounts = models.map(() => new Float64Array(records.length));
  const usdOf = models.map(() => new Float64Array(records.length));
  records.forEach((record, row) => {
    const channel = sample();
    const promptTokens = tokens(record.prompt, config.charsPerToken);
    promptTokenCounts[row] = promptTokens;
    models.forEach((model, m) => {
      const outcome = record.outcomes[model];
      quality[m]![row] = outcome?.quality ?? NaN;
      const workload = { promptTokens, outputTokens: outputTokens(outcome, config) };
      let path: PathCost;
      if (m === 0) path = localCost(workload, config.wireless);
      else {
        const p = config.profiles[model] ?? config.defaultProfile;
        const usd =
          outcome?.cost_usd ??
          (promptTokens * p.usdPer1kInputTokens + workload.outputTokens * p.usdPer1kOutputTokens) / 1000;
        path = edgeCost(workload, p, channel, config.wireless, usd);
      }
      cost[m]![row] = path.normalized + (extraCost?.(m, row) ?? 0);
      latencyS[m]![row] = path.latencyS;
      outputTokenCounts[m]![row] = workload.outputTokens;
      usdOf[m]![row] = path.usd;
    });
  });
  return {
    models,
    rows: records.length,
    quality,
    cost,
    latencyS,
    promptTokens: promptTokenCounts,
    outputTokens: outputTokenCounts,
    usd: usdOf,
  };
}

export const utilityOf = (t: RoutingTable, m: number, row: number, costWeight: number): number =>
  t.quality[m]![row]! - costWeight * t.cost[m]![row]!;

/** The best edge model for a prompt under full information (NaN-quality models are skipped). */
export function bestEdgeModel(t: RoutingTable, row: number, costWeight: number): { model: number; utility: number } {
  let best = { model: -1, utility: -Infinity };
  for (let m = 1; m < t.models.length; m++) {
    if (Number.isNaN(t.quality[m]![row]!)) continue;
    const u = utilityOf(t, m, row, costWeight);
    if (u > best.utility) best = { model: m, utility: u };
  }
  return best;
}

/** Δ(x, ξ; λ) = U_local − max_edge U_m. */
export const utilityMargin = (t: RoutingTable, row: number, costWeight: number): number =>
  utilityOf(t, 0, row, costWeight) - bestEdgeModel(t, row, costWeight).utility;

/**
 * The device's answer falls short of the edge's: graded lower than the answer of the edge model the
 * reference router would pick at λ. What the selective promise counts (selective-risk.ts); quality
 * only, so the words "falls short of the larger model's answer" mean the same at every λ.
 */
export const fallsShort = (t: RoutingTable, row: number, costWeight: number): boolean => {
  const edge = bestEdgeModel(t, row, costWeight).model;
  return edge >= 0 && t.quality[0]![row]! < t.quality[edge]![row]! - 1e-9;
};

/** The full-information reference router: 0 (local) iff Δ ≥ 0, else the best edge model. */
export const oracleChoice = (t: RoutingTable, row: number, costWeight: number): number =>
  utilityMargin(t, row, costWeight) >= 0 ? 0 : bestEdgeModel(t, row, costWeight).model;
