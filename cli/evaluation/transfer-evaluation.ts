/**
 * @module cli/evaluation/transfer-evaluation
 * `evaluate --train-data A --test-data B` (issue 15, point 1): the gate and the baselines are
 * trained and calibrated on A (its seeded train and calibration splits) and tested on all of B.
 * Per seed: the frontiers on B and the CR² gate's cost reduction against each baseline; per
 * operating point and per group of B (its records' source), the false-acceptance rate under the
 * static calibrated τ (Wilson interval, exact binomial test against α) and under the adaptive τ
 * replaying B as a stream, group after group. Over seeds: every headline as a mean with a 95%
 * Student-t interval.
 */
import { auditGroups } from '../../core/calibration/risk-audit.js';
import { boundsAround, DEFAULT_STEP_SIZE } from '../../core/calibration/online-threshold.js';
import { replayOnline } from '../../core/decision/online-replay.js';
import { meanWithInterval } from '../../core/bench/stats.js';
import { seededPermutation } from '../../core/data/split.js';
import type { RoutingTable } from '../../core/routing/routing-table.js';
import { utilityMargin } from '../../core/routing/routing-table.js';
import { clusterAssigner, fitClusters } from './clusters.js';
import { summarizeFrontiers } from './evaluate-representation.js';
import { CLUSTERS } from './grids.js';
import { BASELINES, policyPoints } from './policies.js';
import { fitPredictors, score } from './predictors.js';

export type TransferSplit = {
  readonly train: readonly number[];
  readonly calibration: readonly number[];
  readonly test: readonly number[];
};

const worst = (xs: readonly number[]) => Math.max(...xs);

export async function evaluateTransferSeed(
  table: RoutingTable,
  vectors: readonly Float32Array[],
  split: TransferSplit,
  groupOf: (row: number) => string,
  seed: number,
) {
  const predictors = fitPredictors(table, vectors, split.train, seed);
  const clusterOf = clusterAssigner(fitClusters(vectors, split.train, CLUSTERS, seed), vectors);
  const { points, thresholds } = policyPoints(table, vectors, predictors, split, clusterOf, CLUSTERS);
  const { reductions, bestBaseline, aiq } = summarizeFrontiers(points);
  const bounds = boundsAround(thresholds.map((t) => t.threshold));
  // B as a shifted stream: its groups in order, each shuffled with the seed.
  const byGroup = new Map<string, number[]>();
  for (const row of split.test) byGroup.set(groupOf(row), [...(byGroup.get(groupOf(row)) ?? []), row]);
  const stream = [...byGroup.values()].flatMap((rows) => seededPermutation(rows.length, seed).map((k) => rows[k]!));
  const operatingPoints = await Promise.all(
    thresholds.map(async (t) => {
      const scores = new Map(
        score(predictors.gate, vectors, split.test, t.cost_weight).map((s, i) => [split.test[i]!, s]),
      );
      const edgeBetter = (row: number) => utilityMargin(table, row, t.cost_weight) < 0;
      const groups = auditGroups(
        split.test.map((row) => ({
          group: groupOf(row),
          accepted: scores.get(row)! >= t.threshold,
          edgeBetter: edgeBetter(row),
        })),
        t.risk_level,
      );
      const replay = await replayOnline(
        stream.map((row) => ({ group: groupOf(row), score: scores.get(row)!, edgeBetter: edgeBetter(row) })),
        {
          point: { costWeight: t.cost_weight, riskLevel: t.risk_level },
          calibrated: t.threshold,
          selective: false,
          stepSize: DEFAULT_STEP_SIZE,
          bounds,
        },
      );
      return {
        cost_weight: t.cost_weight,
        risk_level: t.risk_level,
        n_calibration: t.n_calibration,
        worst_excess_static: worst(groups.map((g) => g.falseAcceptRate - t.risk_level)),
        worst_excess_adaptive: worst(replay.groups.map((g) => g.adaptiveRisk - t.risk_level)),
        violated_static: groups.filter((g) => g.pExceeds < 0.01).map((g) => g.group),
        groups: groups.map((g) => ({
          ...g,
          adaptive_far: replay.groups.find((r) => r.group === g.group)!.adaptiveRisk,
        })),
      };
    }),
  );
  return {
    best_baseline: bestBaseline,
    aiq,
    cost_reduction_vs: Object.fromEntries(BASELINES.map((b) => [b, reductions[b]!])),
    worst_excess_static: worst(operatingPoints.map((p) => p.worst_excess_static)),
    worst_excess_adaptive: worst(operatingPoints.map((p) => p.worst_excess_adaptive)),
    points_violated_static: operatingPoints.filter((p) => p.violated_static.length > 0).length,
    points_within_002_static: operatingPoints.filter((p) => p.worst_excess_static <= 0.02).length,
    points_within_002_adaptive: operatingPoints.filter((p) => p.worst_excess_adaptive <= 0.02).length,
    operating_points: operatingPoints,
  };
}

type SeedResult = Awaited<ReturnType<typeof evaluateTransferSeed>>;
const reduction = (r: SeedResult, baseline: string) => r.cost_reduction_vs[baseline] as { max: number; mean: number };

/** The headline over seeds: means with 95% intervals, never one seed's number. */
export function summarizeSeeds(results: readonly SeedResult[]) {
  const over = (pick: (r: SeedResult) => number) => meanWithInterval(results.map(pick));
  return {
    seeds: results.length,
    cost_reduction_vs: Object.fromEntries(
      BASELINES.map((b) => [b, { max: over((r) => reduction(r, b).max), mean: over((r) => reduction(r, b).mean) }]),
    ),
    cost_reduction_vs_best_baseline: {
      max: over((r) => reduction(r, r.best_baseline).max),
      mean: over((r) => reduction(r, r.best_baseline).mean),
    },
    best_baselines: results.map((r) => r.best_baseline),
    worst_excess_static: over((r) => r.worst_excess_static),
    worst_excess_adaptive: over((r) => r.worst_excess_adaptive),
    points_violated_static: over((r) => r.points_violated_static),
    points_within_002_static: over((r) => r.points_within_002_static),
    points_within_002_adaptive: over((r) => r.points_within_002_adaptive),
  };
}
