/**
 * @module calibration/cluster-crc
 * Per-cluster conformal risk control: ConsRoute's cluster-specific thresholds (docs/methods.md §2.3)
 * with CRC (§4.1) in place of Bayesian optimization, so each cluster keeps a guarantee. Within a
 * cluster the calibration and future prompts are exchangeable, so CRC on that cluster's points
 * gives E[L | cluster] ≤ α; averaging over clusters keeps the marginal risk ≤ α.
 * Fallback for small clusters: below `minClusterSize` calibration points a cluster gets τ = +∞
 * (defer everything; zero false acceptance), which keeps the guarantee. A global threshold would
 * accept more but has no per-cluster guarantee, so it is not used as the fallback.
 */
import { calibrateThreshold, type CalibrationPoint, type CrcResult } from './crc.js';

export type ClusterCalibrationPoint = CalibrationPoint & { readonly cluster: number };
export type ClusterThresholds = { readonly perCluster: readonly (CrcResult & { readonly fallback: boolean })[] };

export const DEFAULT_MIN_CLUSTER_SIZE = 100;

export function calibratePerCluster(
  points: readonly ClusterCalibrationPoint[],
  clusters: number,
  riskLevel: number,
  minClusterSize = DEFAULT_MIN_CLUSTER_SIZE,
): ClusterThresholds {
  return {
    perCluster: Array.from({ length: clusters }, (_, k) => {
      const own = points.filter((p) => p.cluster === k);
      if (own.length < minClusterSize)
        return { threshold: Infinity, nCalibration: own.length, empiricalRisk: 0, acceptRate: 0, fallback: true };
      return { ...calibrateThreshold(own, riskLevel), fallback: false };
    }),
  };
}
