/**
 * @module cli/evaluation/multi-turn
 * The multi-turn switching cost (Bao §3.4) on MT-Bench's two turns. Turn 2 served on the side that
 * served turn 1 continues from a warm KV cache and pays only for the new user turn; served on the
 * other side, that side must first prefill the history (turn-1 prompt + answer): on the device,
 * local prefill time and energy; at the edge, the upload plus edge prefill (and its input price).
 * The device knows where the cache lives, so a switch-aware rule adds the known switching costs
 * to the utility: Δ₂' = Δ₂ − λ·(s_local − s_edge). Every policy is scored with the true cost.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { trainMarginGate, predictMargin } from '../../core/gate/mlp.js';
import { averageQuality, costReductionAtMatchedAccuracy, deployableFrontier } from '../../core/evaluation/frontier.js';
import { ROUTELLM_ROLES, type RoutingConfig } from '../../core/routing/routing-config.js';
import { buildRoutingTable, utilityOf } from '../../core/routing/routing-table.js';
import { createChannelSampler, edgeCost, localCost } from '../../core/routing/wireless-cost.js';
import { importMtBench } from '../data/mt-bench.js';
import { loadRepresentation } from '../representations/representations.js';
import { loadRoutingConfig } from '../routing-config-file.js';
import { loadRoutingExperiment } from '../routing-experiment.js';
import { LAMBDA_SWEEP } from './grids.js';
import { MAX_COST_WEIGHT } from './predictors.js';
import { writeFileSync } from 'node:fs';
import { lineChart } from '../../node/svg-plot.js';

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** c̄ of prefilling `tokens` of history on the local side (0) or at edge model m (≥ 1). */
function switchCostFn(config: RoutingConfig, seed: number, rows: number) {
  const sample = createChannelSampler(seed, config.wireless);
  const channels = Array.from({ length: rows }, sample);
  return (side: number, model: string, tokens: number, row: number): number => {
    if (side === 0) return localCost({ promptTokens: tokens, outputTokens: 0 }, config.wireless).normalized;
    const p = config.profiles[model] ?? config.defaultProfile;
    const withHistory = edgeCost(
      { promptTokens: tokens, outputTokens: 0 },
      p,
      channels[row]!,
      config.wireless,
      (tokens * p.usdPer1kInputTokens) / 1000,
    );
    const overheadOnly = edgeCost({ promptTokens: 0, outputTokens: 0 }, p, channels[row]!, config.wireless, 0);
    return withHistory.normalized - overheadOnly.normalized;
  };
}

export async function evaluateMultiTurn(
  dataPath: string,
  outDir: string,
  seed: number,
  configPath: string | undefined,
  log: (s: string) => void,
) {
  if (!existsSync(resolve(dataPath, 'routellm/mt_bench'))) return undefined;
  const dialogues = importMtBench(dataPath);
  const config = loadRoutingConfig(configPath, ROUTELLM_ROLES);
  const edgeModel = config.roles.edge[0]!;
  const models = [config.roles.local, edgeModel];
  const turn1 = dialogues.map((d) => d.turns[0]),
    turn2 = dialogues.map((d) => d.turns[1]);
  const t1 = buildRoutingTable(turn1, { ...config, roles: { local: models[0]!, edge: [edgeModel] } }, seed);
  const t2 = buildRoutingTable(turn2, { ...config, roles: { local: models[0]!, edge: [edgeModel] } }, seed + 1);
  const switchCost = switchCostFn(config, seed + 1, dialogues.length);
  const historyTokens = (row: number, served: number) =>
    Math.ceil(
      (turn1[row]!.prompt.length + (turn1[row]!.outcomes[models[served]!]?.response ?? '').length) /
        config.charsPerToken,
    );
  /** Extra c̄ for serving turn 2 on `side` when turn 1 was served on `served`. */
  const extra = (row: number, served: number, side: number) =>
    served === side ? 0 : switchCost(side, models[side]!, historyTokens(row, served), row);

  // The gate the browser ships: hidden states of RouteLLM MMLU+GSM8K, same cost model.
  const experiment = await loadRoutingExperiment({ dataPath, seed, ...(configPath ? { configPath } : {}), log });
  const trainRows = experiment.split.train;
  const gate = trainMarginGate(
    trainRows.map((i) => experiment.representations[i]!),
    (r, λ) => experiment.margin(trainRows[r]!, λ),
    { seed, maxCostWeight: MAX_COST_WEIGHT },
  ).weights;
  const h1 = (await loadRepresentation('hidden_state_last', turn1, log)).vectors;
  const h2 = (await loadRepresentation('hidden_state_last', turn2, log)).vectors;

  type Plan = (row: number, λ: number) => [number, number];
  const score = (plan: Plan, λ: number) => {
    let quality = 0,
      cost = 0,
      switches = 0,
      switchCostSum = 0;
    for (let row = 0; row < dialogues.length; row++) {
      const [a, b] = plan(row, λ);
      const s = extra(row, a, b);
      quality += (t1.quality[a]![row]! + t2.quality[b]![row]!) / 2;
      cost += (t1.cost[a]![row]! + t2.cost[b]![row]! + s) / 2;
      if (a !== b) {
        switches++;
        switchCostSum += s;
      }
    }
    const n = dialogues.length;
    return {
      cost_weight: λ,
      accuracy: r4(quality / n),
      cost: r4(cost / n),
      switch_rate: r4(switches / n),
      mean_switch_cost: r4(switches ? switchCostSum / switches : 0),
    };
  };
  const u1 = (row: number, m: number, λ: number) => utilityOf(t1, m, row, λ);
  const u2 = (row: number, m: number, λ: number, served: number) =>
    utilityOf(t2, m, row, λ) - λ * extra(row, served, m);
  const bestTurn1 = (row: number, λ: number) => (u1(row, 0, λ) >= u1(row, 1, λ) ? 0 : 1);
  const gateSays = (h: Float32Array, λ: number, shift = 0) => (predictMargin(gate, h, λ) + shift >= 0 ? 0 : 1);
  const plans: Record<string, Plan> = {
    oracle_joint: (row, λ) => {
      let best: [number, number] = [0, 0],
        bestU = -Infinity;
      for (const a of [0, 1])
        for (const b of [0, 1]) {
          const u = u1(row, a, λ) + u2(row, b, λ, a);
          if (u > bestU) {
            bestU = u;
            best = [a, b];
          }
        }
      return best;
    },
    oracle_switch_aware: (row, λ) => {
      const a = bestTurn1(row, λ);
      return [a, u2(row, 0, λ, a) >= u2(row, 1, λ, a) ? 0 : 1];
    },
    oracle_switch_blind: (row, λ) => [bestTurn1(row, λ), utilityOf(t2, 0, row, λ) >= utilityOf(t2, 1, row, λ) ? 0 : 1],
    gate_switch_aware: (row, λ) => {
      const a = gateSays(h1[row]!, λ);
      return [a, gateSays(h2[row]!, λ, -λ * (extra(row, a, 0) - extra(row, a, 1)))];
    },
    gate_switch_blind: (row, λ) => [gateSays(h1[row]!, λ), gateSays(h2[row]!, λ)],
  };
  const results = Object.fromEntries(
    Object.entries(plans).map(([name, plan]) => [name, LAMBDA_SWEEP.map((λ) => score(plan, λ))]),
  );
  const trivial = [score(() => [0, 0], 0), score(() => [1, 1], 0)];
  const frontier = (name: string) => deployableFrontier([...results[name]!, ...trivial]);
  const range: [number, number] = [Math.min(...trivial.map((p) => p.cost)), Math.max(...trivial.map((p) => p.cost))];
  const reduction = (a: string, b: string) => {
    const r = costReductionAtMatchedAccuracy(frontier(a), frontier(b));
    return { max: r4(r.max), mean: r4(r.mean) };
  };
  const localPrefill = config.wireless.localPrefillSPerToken;
  const meanHistory = dialogues.reduce((s, _, row) => s + historyTokens(row, 1), 0) / dialogues.length;
  const summary = {
    dialogues: dialogues.length,
    models,
    mean_history_tokens_after_edge_turn: r4(meanHistory),
    local_reprefill_s_per_history_token: localPrefill,
    mean_local_reprefill_s: r4(meanHistory * localPrefill),
    aiq: Object.fromEntries(Object.keys(plans).map((n) => [n, r4(averageQuality(frontier(n), range))])),
    cost_reduction_switch_aware_vs_blind: {
      oracle: reduction('oracle_switch_aware', 'oracle_switch_blind'),
      gate: reduction('gate_switch_aware', 'gate_switch_blind'),
    },
    points: results,
  };
  writeFileSync(
    resolve(outDir, 'multi-turn-frontier.svg'),
    lineChart(
      'MT-Bench two turns: with vs without the switching cost',
      'mean normalized cost per turn',
      'mean quality (score/10)',
      Object.keys(plans).map((n) => ({
        name: n,
        points: frontier(n).map((p) => ({ x: p.cost, y: p.accuracy })),
        dashed: n.endsWith('blind'),
        markers: true,
      })),
    ),
  );
  const table = [
    '| policy | AIQ | switch rate at λ = 1 | mean switch cost at λ = 1 |',
    '|---|---|---|---|',
    ...Object.keys(plans).map((n) => {
      const p = results[n]!.find((q) => q.cost_weight === 1)!;
      return `| ${n} | ${summary.aiq[n]} | ${(p.switch_rate * 100).toFixed(1)}% | ${p.mean_switch_cost} |`;
    }),
  ];
  const markdown = [
    `${dialogues.length} dialogues; device ${models[0]}, edge ${models[1]}. Mean history after an edge turn: ${meanHistory.toFixed(0)} tokens; re-prefilling it on the device takes ${(meanHistory * localPrefill).toFixed(2)} s under the cost model (${localPrefill * 1000} ms/token).`,
    '',
    table.join('\n'),
    '',
    `Cost reduction at matched quality from counting the switching cost (max / mean): full-information ${(summary.cost_reduction_switch_aware_vs_blind.oracle.max * 100).toFixed(1)}% / ${(summary.cost_reduction_switch_aware_vs_blind.oracle.mean * 100).toFixed(1)}%; gate ${(summary.cost_reduction_switch_aware_vs_blind.gate.max * 100).toFixed(1)}% / ${(summary.cost_reduction_switch_aware_vs_blind.gate.mean * 100).toFixed(1)}%. The gate's rule here is "margin ≥ 0" (80 dialogues are too few to calibrate on).`,
    '',
    '![multi-turn](multi-turn-frontier.svg)',
  ].join('\n');
  log(`evaluate: multi-turn: AIQ ${JSON.stringify(summary.aiq)}`);
  return { ...summary, markdown };
}
