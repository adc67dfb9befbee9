/**
 * @module cli/commands/calibration-rows
 * One operating point's threshold rows for `riskgate calibrate`, under either promise: marginal CRC
 * (crc.ts) or the selective promise (selective-risk.ts), with their held-out test figures.
 */
import { type CalibrationPoint, calibrateThreshold } from '../../core/calibration/crc.js';
import { calibrateSelective, candidateThresholds, type SelectivePoint } from '../../core/calibration/selective-risk.js';
import { calibratePerCluster } from '../../core/calibration/cluster-crc.js';
import type { ClusterThresholdRow } from '../../core/calibration/cluster-table.js';
import { type ThresholdRow, toJsonThreshold } from '../../core/calibration/threshold-table.js';

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The selective promise holds with probability ≥ 1 − δ over the calibration draw. */
export const DEFAULT_DELTA = 0.05;

export type ScoredPoint = CalibrationPoint & SelectivePoint & { readonly row: number; readonly cluster: number };
export type Splits = {
  readonly train: ScoredPoint[];
  readonly calibration: ScoredPoint[];
  readonly test: ScoredPoint[];
};
type CalibratedPoint = { readonly row: ThresholdRow; readonly perCluster: ClusterThresholdRow[] };

/** Marginal CRC (crc.ts): of all messages, at most α are accepted here and worse. */
export function marginalRows(
  splits: Splits,
  costWeight: number,
  riskLevel: number,
  _delta: number,
  k: number,
): CalibratedPoint {
  const { calibration, test } = splits;
  const perCluster =
    k === 0
      ? []
      : calibratePerCluster(calibration, k, riskLevel).perCluster.map((c, cluster) => ({
          cluster,
          cost_weight: costWeight,
          risk_level: riskLevel,
          threshold: toJsonThreshold(c.threshold),
          n_calibration: c.nCalibration,
          fallback: c.fallback,
        }));
  const result = calibrateThreshold(calibration, riskLevel);
  const accepted = test.filter((p) => p.score >= result.threshold);
  return {
    row: {
      cost_weight: costWeight,
      risk_level: riskLevel,
      threshold: toJsonThreshold(result.threshold),
      n_calibration: result.nCalibration,
      empirical_risk: round(result.empiricalRisk),
      accept_rate: round(result.acceptRate),
      test_risk: round(accepted.filter((p) => p.falseAcceptIfAccepted).length / test.length),
      test_accept_rate: round(accepted.length / test.length),
    },
    perCluster,
  };
}

/**
 * The selective promise (selective-risk.ts): of the answers given here, at most α fall short of the
 * edge's, with probability ≥ 1 − δ. Per cluster, each cluster's own training points order its
 * candidates and its own calibration points test them; a cluster that certifies nothing defers.
 */
export function selectiveRows(
  splits: Splits,
  costWeight: number,
  riskLevel: number,
  delta: number,
  k: number,
): CalibratedPoint {
  const { train, calibration, test } = splits;
  const result = calibrateSelective(calibration, candidateThresholds(train, riskLevel), riskLevel, delta);
  const accepted = test.filter((p) => p.score >= result.threshold);
  const perCluster = Array.from({ length: k }, (_, cluster) => {
    const own = (points: ScoredPoint[]) => points.filter((p) => p.cluster === cluster);
    const c = calibrateSelective(own(calibration), candidateThresholds(own(train), riskLevel), riskLevel, delta);
    return {
      cluster,
      cost_weight: costWeight,
      risk_level: riskLevel,
      threshold: toJsonThreshold(c.threshold),
      n_calibration: c.nCalibration,
      fallback: !Number.isFinite(c.threshold),
    };
  });
  return {
    row: {
      cost_weight: costWeight,
      risk_level: riskLevel,
      threshold: toJsonThreshold(result.threshold),
      n_calibration: result.nCalibration,
      empirical_risk: round(result.selectiveRisk),
      accept_rate: round(result.acceptRate),
      risk_upper_bound: round(result.riskUpperBound),
      // Held out: the share of the test answers given here that fell short (0 when none were).
      test_risk: round(accepted.length === 0 ? 0 : accepted.filter((p) => p.shortfall).length / accepted.length),
      test_accept_rate: round(accepted.length / test.length),
    },
    perCluster,
  };
}
