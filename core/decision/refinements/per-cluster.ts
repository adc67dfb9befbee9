/**
 * @module decision/refinements/per-cluster
 * Per-cluster risk control (ConsRoute §2.3 with CRC): the prompt's representation picks its
 * nearest centroid, and τ is that cluster's own calibrated threshold at the same grid point.
 * A prompt deferred before the gate has no representation and keeps the marginal τ.
 */
import { lookupClusterThreshold, type ClusterTable } from '../../calibration/cluster-table.js';
import type { ThresholdsFile } from '../../calibration/threshold-table.js';
import { nearestCentroid, type Centroids } from '../../clustering/nearest-centroid.js';
import type { ThresholdRefinement } from '../threshold-policy.js';

export const perCluster =
  (file: ThresholdsFile & { readonly clusters: ClusterTable }, centroids: Centroids): ThresholdRefinement =>
  (inner) => ({
    ...inner,
    read(query) {
      const reading = inner.read(query);
      if (!query.representation) return reading;
      const group = nearestCentroid(centroids, query.representation);
      const own = lookupClusterThreshold(file, group, query);
      return { ...reading, group, threshold: own, calibrated: own, table: own, offset: 0 };
    },
    status: () => ({ ...inner.status(), riskControl: 'per-cluster' }),
  });
