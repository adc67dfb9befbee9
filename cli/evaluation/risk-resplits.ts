/**
 * @module cli/evaluation/risk-resplits
 * CRC's guarantee is in expectation over calibration and test draws (docs/methods.md §4.1), so the
 * realised false-acceptance rate is reported as a mean over `RESPLITS` random re-splits of the
 * held-out pool (calibration ∪ test; the gate never saw it) into two halves, with its standard
 * error; globally and per cluster.
 */
import { calibrateThreshold } from '../../core/calibration/crc.js';
import { calibratePerCluster } from '../../core/calibration/cluster-crc.js';
import { seededPermutation } from '../../core/data/split.js';
import { utilityMargin, type RoutingTable } from '../../core/routing/routing-table.js';
import type { GateWeights } from '../../core/gate/mlp.js';
import { EVAL_COST_WEIGHTS, EVAL_RISK_LEVELS, RESPLITS } from './grids.js';
import { score } from './predictors.js';

export type RiskEstimate = {
  readonly cost_weight: number;
  readonly risk_level: number;
  readonly n_calibration: number;
  readonly far: number;
  readonly far_se: number;
  readonly accept_rate: number;
};
export type ClusterRisk = RiskEstimate & {
  readonly cluster: number;
  readonly n_test_mean: number;
  readonly fallback_share: number;
};

const meanAndSe = (xs: readonly number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1);
  return { mean, se: Math.sqrt(variance / xs.length) };
};

export function resplitRisk(
  table: RoutingTable,
  vectors: readonly Float32Array[],
  gate: GateWeights,
  pool: readonly number[],
  clusterOf: (row: number) => number,
  clusters: number,
  seed: number,
) {
  const global: RiskEstimate[] = [];
  const perCluster: ClusterRisk[] = [];
  const halves = Array.from({ length: RESPLITS }, (_, r) => {
    const order = seededPermutation(pool.length, seed * 1000 + r + 1);
    const half = Math.floor(pool.length / 2);
    return { cal: order.slice(0, half), test: order.slice(half) };
  });
  for (const λ of EVAL_COST_WEIGHTS) {
    const scores = score(gate, vectors, pool, λ);
    const harmful = pool.map((row) => utilityMargin(table, row, λ) < 0);
    const cluster = pool.map(clusterOf);
    const points = (idx: number[]) =>
      idx.map((i) => ({ score: scores[i]!, falseAcceptIfAccepted: harmful[i]!, cluster: cluster[i]! }));
    for (const α of EVAL_RISK_LEVELS) {
      const far: number[] = [],
        accept: number[] = [];
      const clusterFar = Array.from({ length: clusters }, () => [] as number[]);
      const clusterN = new Array<number>(clusters).fill(0),
        clusterCal = new Array<number>(clusters).fill(0),
        clusterFallback = new Array<number>(clusters).fill(0);
      for (const { cal, test } of halves) {
        const τ = calibrateThreshold(points(cal), α).threshold;
        const accepted = test.filter((i) => scores[i]! >= τ);
        far.push(accepted.filter((i) => harmful[i]).length / test.length);
        accept.push(accepted.length / test.length);
        const byCluster = calibratePerCluster(points(cal), clusters, α).perCluster;
        for (let k = 0; k < clusters; k++) {
          const own = test.filter((i) => cluster[i] === k);
          clusterN[k]! += own.length / RESPLITS;
          clusterCal[k]! += byCluster[k]!.nCalibration / RESPLITS;
          clusterFallback[k]! += (byCluster[k]!.fallback ? 1 : 0) / RESPLITS;
          if (own.length)
            clusterFar[k]!.push(
              own.filter((i) => scores[i]! >= byCluster[k]!.threshold && harmful[i]).length / own.length,
            );
        }
      }
      const f = meanAndSe(far);
      global.push({
        cost_weight: λ,
        risk_level: α,
        n_calibration: halves[0]!.cal.length,
        far: f.mean,
        far_se: f.se,
        accept_rate: meanAndSe(accept).mean,
      });
      for (let k = 0; k < clusters; k++) {
        const c = clusterFar[k]!.length ? meanAndSe(clusterFar[k]!) : { mean: NaN, se: NaN };
        perCluster.push({
          cluster: k,
          cost_weight: λ,
          risk_level: α,
          n_calibration: Math.round(clusterCal[k]!),
          n_test_mean: clusterN[k]!,
          far: c.mean,
          far_se: c.se,
          accept_rate: NaN,
          fallback_share: clusterFallback[k]!,
        });
      }
    }
  }
  return { global, perCluster };
}
