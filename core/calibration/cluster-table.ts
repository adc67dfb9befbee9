/**
 * @module calibration/cluster-table
 * Per-cluster thresholds shipped in `thresholds.json` (issue 15, point 5): the k-means model the
 * clusters come from (standardization and centroids, fitted on the training split) and one CRC
 * threshold per (cluster, λ, α) from that cluster's calibration points alone (cluster-crc.ts: a
 * guarantee inside each cluster; a cluster too small to certify α defers everything). The worker
 * assigns a prompt to its nearest centroid with the same pure function the evaluation uses.
 */
import { RouterError } from '../errors.js';
import type { Centroids } from '../clustering/nearest-centroid.js';
import { fromJsonThreshold, lookupThreshold, type JsonThreshold, type ThresholdsFile } from './threshold-table.js';

export type ClusterThresholdRow = {
  readonly cluster: number;
  readonly cost_weight: number;
  readonly risk_level: number;
  readonly threshold: JsonThreshold;
  readonly n_calibration: number;
  readonly fallback: boolean;
};

export type ClusterTable = {
  readonly k: number;
  readonly min_cluster_size: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly centroids: readonly (readonly number[])[];
  readonly rows: readonly ClusterThresholdRow[];
};

export function clusterModelOf(table: ClusterTable): Centroids {
  const ok =
    table.centroids.length === table.k &&
    table.centroids.every((c) => c.length === table.mean.length) &&
    table.std.length === table.mean.length;
  if (!ok) throw new RouterError('invalid_artifact', 'thresholds.json: clusters has inconsistent centroids');
  return {
    mean: Float32Array.from(table.mean),
    std: Float32Array.from(table.std),
    centroids: table.centroids.map((c) => Float32Array.from(c)),
  };
}

/**
 * τ for a cluster at the requested (λ, α): the same grid point `lookupThreshold` picks for the
 * marginal table (nearest λ, largest calibrated α ≤ the request), then that cluster's row.
 */
export function lookupClusterThreshold(
  file: ThresholdsFile & { readonly clusters: ClusterTable },
  cluster: number,
  point: { costWeight: number; riskLevel: number },
): number {
  const { row } = lookupThreshold(file, point);
  if (!row) return Infinity;
  const own = file.clusters.rows.find(
    (r) => r.cluster === cluster && r.cost_weight === row.cost_weight && r.risk_level === row.risk_level,
  );
  return own ? fromJsonThreshold(own.threshold) : Infinity;
}
