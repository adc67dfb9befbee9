/**
 * @module cli/evaluation/policies
 * Every routing policy the report compares, as (cost, accuracy) points on the fixed test split.
 * Deferred prompts go to the same edge utility selector (argmax_m Q̂_m(x) − λ·c̄_m(x, ξ), with the
 * live cost c̄ known at decision time), so policies differ only in the local-vs-defer decision.
 */
import { calibrateThreshold } from '../../core/calibration/crc.js';
import { calibratePerCluster } from '../../core/calibration/cluster-crc.js';
import { quantileThreshold } from '../../core/calibration/quantile-threshold.js';
import { evaluateDecisions, type PolicyOutcome } from '../../core/evaluation/decisions.js';
import { oracleChoice, utilityMargin, type RoutingTable } from '../../core/routing/routing-table.js';
import { createRandom } from '../../core/sampling.js';
import {
  BAO_LATENCY_WEIGHTS,
  EVAL_COST_WEIGHTS,
  EVAL_RISK_LEVELS,
  LAMBDA_SWEEP,
  SELECTOR_COST_WEIGHTS,
  SHARES,
} from './grids.js';
import { score, type Predictors } from './predictors.js';

export type PolicyPoint = PolicyOutcome & { readonly params: Readonly<Record<string, number>> };
export type Split = { readonly calibration: readonly number[]; readonly test: readonly number[] };

export const BASELINES = Object.freeze(['random_mix', 'routellm_quantile', 'bao_fused', 'knn'] as const);

export function createSelector(table: RoutingTable, vectors: readonly Float32Array[], predictors: Predictors) {
  const predicted = new Map<number, number[]>();
  const qualityOf = (row: number) => {
    let q = predicted.get(row);
    if (!q) predicted.set(row, (q = predictors.quality.map((w) => score(w, vectors, [row])[0]!)));
    return q;
  };
  return (row: number, costWeight: number): number => {
    const q = qualityOf(row);
    let best = 1,
      bestUtility = -Infinity;
    for (let m = 1; m < table.models.length; m++) {
      if (Number.isNaN(table.quality[m]![row]!)) continue; // a model with no recorded answer cannot serve it
      const u = q[m - 1]! - costWeight * table.cost[m]![row]!;
      if (u > bestUtility) {
        bestUtility = u;
        best = m;
      }
    }
    return best;
  };
}

export function policyPoints(
  table: RoutingTable,
  vectors: readonly Float32Array[],
  predictors: Predictors,
  split: Split,
  clusterOf: (row: number) => number,
  clusters: number,
) {
  const select = createSelector(table, vectors, predictors);
  const { calibration: cal, test } = split;
  const run = (
    accept: (row: number, i: number) => boolean,
    λ: number,
    params: Record<string, number>,
    outcomeλ = λ,
  ): PolicyPoint => ({
    ...evaluateDecisions(
      table,
      test,
      test.map((row, i) => (accept(row, i) ? 0 : select(row, λ))),
      outcomeλ,
    ),
    params,
  });
  const points: Record<string, PolicyPoint[]> = {};
  const add = (name: string, p: PolicyPoint) => (points[name] ??= []).push(p);

  for (const λ of LAMBDA_SWEEP) {
    add('oracle', {
      ...evaluateDecisions(
        table,
        test,
        test.map((row) => oracleChoice(table, row, λ)),
        λ,
      ),
      params: { cost_weight: λ },
    });
    add(
      'knn',
      run((row) => predictors.knnMargin(row, λ) >= 0, λ, { cost_weight: λ }),
    );
  }
  add(
    'always_local',
    run(() => true, 0, {}),
  );
  const edgeNeedCal = score(predictors.edgeNeed, vectors, cal);
  const edgeNeedTest = score(predictors.edgeNeed, vectors, test);
  for (const λ of SELECTOR_COST_WEIGHTS) {
    add(
      'always_edge',
      run(() => false, λ, { selector_cost_weight: λ }),
    );
    const random = createRandom(7);
    const draws = test.map(() => random());
    for (const share of SHARES) {
      add(
        'random_mix',
        run((_, i) => draws[i]! >= share, λ, { edge_share: share, selector_cost_weight: λ }),
      );
      const τ = quantileThreshold(edgeNeedCal, share);
      add(
        'routellm_quantile',
        run((_, i) => !(edgeNeedTest[i]! >= τ), λ, { edge_share: share, selector_cost_weight: λ }),
      );
    }
    // Bao's fused rule S = p(x) − α·(T_edge − T_local): defer iff S > θ (docs/methods.md §3.3).
    const latencyGap = (row: number) => table.latencyS[select(row, λ)]![row]! - table.latencyS[0]![row]!;
    for (const αB of BAO_LATENCY_WEIGHTS) {
      const fusedCal = cal.map((row, i) => edgeNeedCal[i]! - αB * latencyGap(row));
      const fusedTest = test.map((row, i) => edgeNeedTest[i]! - αB * latencyGap(row));
      for (const share of SHARES) {
        const θ = quantileThreshold(fusedCal, share);
        add(
          'bao_fused',
          run((_, i) => !(fusedTest[i]! >= θ), λ, { latency_weight: αB, edge_share: share, selector_cost_weight: λ }),
        );
      }
    }
  }
  const thresholds: { cost_weight: number; risk_level: number; threshold: number; n_calibration: number }[] = [];
  for (const λ of EVAL_COST_WEIGHTS) {
    const harmful = (rows: readonly number[]) => rows.map((row) => utilityMargin(table, row, λ) < 0);
    const [harmCal] = [harmful(cal)];
    const gateCal = score(predictors.gate, vectors, cal, λ),
      gateTest = score(predictors.gate, vectors, test, λ);
    const flatCal = score(predictors.noLambdaGate, vectors, cal),
      flatTest = score(predictors.noLambdaGate, vectors, test);
    const calPoints = (s: number[]) =>
      s.map((x, i) => ({ score: x, falseAcceptIfAccepted: harmCal[i]!, cluster: clusterOf(cal[i]!) }));
    for (const α of EVAL_RISK_LEVELS) {
      const crc = calibrateThreshold(calPoints(gateCal), α);
      thresholds.push({ cost_weight: λ, risk_level: α, threshold: crc.threshold, n_calibration: crc.nCalibration });
      add(
        'cr2_crc',
        run((_, i) => gateTest[i]! >= crc.threshold, λ, { cost_weight: λ, risk_level: α }),
      );
      const flat = calibrateThreshold(calPoints(flatCal), α);
      add(
        'no_lambda_crc',
        run((_, i) => flatTest[i]! >= flat.threshold, λ, { cost_weight: λ, risk_level: α }),
      );
      const perCluster = calibratePerCluster(calPoints(gateCal), clusters, α).perCluster;
      add(
        'cr2_cluster_crc',
        run((row, i) => gateTest[i]! >= perCluster[clusterOf(row)]!.threshold, λ, { cost_weight: λ, risk_level: α }),
      );
    }
    for (const share of SHARES) {
      const τ = quantileThreshold(gateCal, 1 - share);
      add(
        'cr2_quantile',
        run((_, i) => gateTest[i]! >= τ, λ, { cost_weight: λ, edge_share: share }),
      );
    }
  }
  return { points, thresholds, edgeNeedTest };
}
