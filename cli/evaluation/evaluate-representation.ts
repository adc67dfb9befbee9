/**
 * @module cli/evaluation/evaluate-representation
 * One representation through the whole pipeline: fit the predictors on the training split, sweep
 * every policy on the fixed test split, estimate realised risk over re-splits, and reduce it to
 * the metrics.json entry (schema in docs/science.md, "metrics.json schema").
 */
import {
  averageQuality,
  costReductionAtMatchedAccuracy,
  deployableFrontier,
  type CostAccuracy,
} from '../../core/evaluation/frontier.js';
import { apgr, callPerformanceThreshold, pgrCurve } from '../../core/evaluation/routellm-metrics.js';
import type { RoutingTable } from '../../core/routing/routing-table.js';
import type { RepresentationSet } from '../representations/representations.js';
import { clusterAssigner, fitClusters } from './clusters.js';
import { CLUSTERS } from './grids.js';
import { BASELINES, createSelector, policyPoints, type PolicyPoint, type Split } from './policies.js';
import { fitPredictors, score } from './predictors.js';
import { resplitRisk } from './risk-resplits.js';
import { meanWithInterval } from '../../core/bench/stats.js';

const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x);
const frontierOf = (points: readonly PolicyPoint[]): CostAccuracy[] =>
  deployableFrontier(points.map((p) => ({ cost: p.cost, accuracy: p.accuracy })));

/**
 * Frontiers of every policy on the test split, AIQ over the shared cost range, and the CR² gate's
 * cost reduction at matched accuracy against each baseline (the best one by AIQ named).
 */
export function summarizeFrontiers(points: Readonly<Record<string, readonly PolicyPoint[]>>) {
  // Any deployment can also send everything local or everything to the edge, and mix at random
  // (RouterBench), so every policy's frontier includes those two trivial policies' points.
  const trivial = [...points.always_local!, ...points.always_edge!];
  const routers = Object.entries(points).filter(([name]) => !name.startsWith('always_'));
  const frontiers = Object.fromEntries(routers.map(([name, p]) => [name, frontierOf([...p, ...trivial])]));
  const allPoints = Object.values(points).flat();
  const costRange: [number, number] = [
    Math.min(...allPoints.map((p) => p.cost)),
    Math.max(...allPoints.map((p) => p.cost)),
  ];
  const aiq = Object.fromEntries(
    Object.entries(frontiers).map(([name, f]) => [name, r4(averageQuality(f, costRange))]),
  );
  const reductions = Object.fromEntries(
    BASELINES.map((b) => {
      const r = costReductionAtMatchedAccuracy(frontiers.cr2_crc!, frontiers[b]!);
      return [
        b,
        { max: r4(r.max), mean: r4(r.mean), at_accuracy: r4(r.atAccuracy), accuracy_range: r.accuracyRange.map(r4) },
      ];
    }),
  );
  const bestBaseline = [...BASELINES].sort((a, b) => aiq[b]! - aiq[a]!)[0]!;
  return { frontiers, costRange, aiq, reductions, bestBaseline };
}

/** One seed's headline alone (no re-splits): what the seeds after the first contribute. */
export function seedHeadline(
  table: RoutingTable,
  vectors: readonly Float32Array[],
  split: Split & { readonly train: readonly number[] },
  seed: number,
) {
  const predictors = fitPredictors(table, vectors, split.train, seed);
  const clusterOf = clusterAssigner(fitClusters(vectors, split.train, CLUSTERS, seed), vectors);
  const { reductions, bestBaseline, aiq } = summarizeFrontiers(
    policyPoints(table, vectors, predictors, split, clusterOf, CLUSTERS).points,
  );
  return {
    seed,
    best_baseline: bestBaseline,
    vs_best: reductions[bestBaseline]! as { max: number; mean: number },
    vs_random_mix: reductions.random_mix! as { max: number; mean: number },
    gap_to_oracle: aiq.oracle! - aiq.cr2_crc!,
  };
}

/** Headlines over seeds: the mean and its 95% Student-t interval (issue 15: never one seed's number). */
export function headlineOverSeeds(perSeed: readonly ReturnType<typeof seedHeadline>[]) {
  const over = (pick: (h: ReturnType<typeof seedHeadline>) => number) => {
    const { mean, ci95 } = meanWithInterval(perSeed.map(pick));
    return { mean: r4(mean), ci95: ci95.map(r4) };
  };
  return {
    seeds: perSeed.map((h) => h.seed),
    best_baselines: perSeed.map((h) => h.best_baseline),
    cost_reduction_vs_best_baseline: { max: over((h) => h.vs_best.max), mean: over((h) => h.vs_best.mean) },
    cost_reduction_vs_random_mix: { max: over((h) => h.vs_random_mix.max), mean: over((h) => h.vs_random_mix.mean) },
    gap_to_oracle: over((h) => h.gap_to_oracle),
  };
}

export function evaluateRepresentation(
  table: RoutingTable,
  rep: RepresentationSet,
  split: Split & { readonly train: readonly number[] },
  seed: number,
  log: (s: string) => void,
) {
  const started = Date.now();
  const { vectors } = rep;
  const predictors = fitPredictors(table, vectors, split.train, seed);
  const clusterModel = fitClusters(vectors, split.train, CLUSTERS, seed);
  const clusterOf = clusterAssigner(clusterModel, vectors);
  const { points, thresholds } = policyPoints(table, vectors, predictors, split, clusterOf, CLUSTERS);
  const risk = resplitRisk(
    table,
    vectors,
    predictors.gate,
    [...split.calibration, ...split.test],
    clusterOf,
    CLUSTERS,
    seed,
  );

  const { frontiers, costRange, aiq, reductions, bestBaseline } = summarizeFrontiers(points);
  const ablation = (name: string) => {
    const r = costReductionAtMatchedAccuracy(frontiers.cr2_crc!, frontiers[name]!);
    return { aiq: aiq[name], cr2_cost_reduction_vs_it: { max: r4(r.max), mean: r4(r.mean) } };
  };

  // RouteLLM call-share metrics: rank by "needs the edge"; the edge answer is the selector's at λ = 0.
  const select = createSelector(table, vectors, predictors);
  const local = split.test.map((row) => table.quality[0]![row]!);
  const edge = split.test.map((row) => {
    const q = table.quality[select(row, 0)]![row]!;
    return Number.isNaN(q) ? 0 : q;
  });
  const callShare = (needsEdge: number[]) => {
    const c = pgrCurve(needsEdge, local, edge);
    return {
      apgr: r4(apgr(c)),
      cpt50: r4(callPerformanceThreshold(c, 0.5)),
      cpt80: r4(callPerformanceThreshold(c, 0.8)),
    };
  };

  const operatingPoints = thresholds.map((t) => {
    const fixed = points.cr2_crc!.find(
      (p) => p.params.cost_weight === t.cost_weight && p.params.risk_level === t.risk_level,
    )!;
    const resplit = risk.global.find((g) => g.cost_weight === t.cost_weight && g.risk_level === t.risk_level)!;
    return {
      cost_weight: t.cost_weight,
      risk_level: t.risk_level,
      threshold: Number.isFinite(t.threshold) ? r4(t.threshold) : String(t.threshold),
      n_calibration: t.n_calibration,
      far: r4(resplit.far),
      far_se: r4(resplit.far_se),
      far_bound: r4(t.risk_level + 1 / (resplit.n_calibration + 1)),
      n_calibration_resplit: resplit.n_calibration,
      accept_rate: r4(fixed.acceptRate),
      accuracy: r4(fixed.accuracy),
      cost: r4(fixed.cost),
      far_fixed_split: r4(fixed.falseAcceptance),
    };
  });
  log(
    `  ${rep.info.kind}: ${((Date.now() - started) / 1000).toFixed(0)} s; AIQ cr2 ${aiq.cr2_crc} vs best baseline ${bestBaseline} ${aiq[bestBaseline]}; oracle ${aiq.oracle}`,
  );
  return {
    representation: rep.info,
    operating_points: operatingPoints,
    best_baseline: bestBaseline,
    cost_reduction_vs_best_baseline: reductions[bestBaseline]!.max,
    cost_reduction_vs_best_baseline_mean: reductions[bestBaseline]!.mean,
    cost_reduction_vs: reductions,
    gap_to_oracle: r4(aiq.oracle! - aiq.cr2_crc!),
    aiq,
    aiq_cost_range: costRange.map(r4),
    call_share: {
      cr2_gate: callShare(score(predictors.gate, vectors, split.test, 0).map((x) => -x)),
      routellm_p_edge_better: callShare(score(predictors.edgeNeed, vectors, split.test)),
      knn: callShare(split.test.map((row) => -predictors.knnMargin(row, 0))),
    },
    ablations: {
      no_lambda_gate: ablation('no_lambda_crc'),
      quantile_thresholds: {
        ...ablation('cr2_quantile'),
        note: 'quantile thresholds control the accept share, not the risk',
      },
      per_cluster_thresholds: { ...ablation('cr2_cluster_crc'), clusters: CLUSTERS },
    },
    cluster_risk: risk.perCluster.map((c) => ({
      ...c,
      far: r4(c.far),
      far_se: r4(c.far_se),
      n_test_mean: r4(c.n_test_mean),
      accept_rate: undefined,
    })),
    frontiers: Object.fromEntries(
      Object.entries(frontiers).map(([k, f]) => [k, f.map((p) => ({ cost: r4(p.cost), accuracy: r4(p.accuracy) }))]),
    ),
    points: Object.fromEntries(
      Object.entries(points).map(([k, ps]) => [
        k,
        ps.map((p) => ({ ...p.params, cost: r4(p.cost), accuracy: r4(p.accuracy), accept_rate: r4(p.acceptRate) })),
      ]),
    ),
  };
}
