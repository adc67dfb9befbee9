/**
 * @module cli/evaluation/clusters
 * k-means (ml-kmeans, k-means++ seeded) on the standardized training representations; prompts are
 * assigned to their nearest centroid by the same pure function the worker would use.
 */
import { kmeans } from 'ml-kmeans';
import { standardization } from '../../core/gate/mlp.js';
import { nearestCentroid, type Centroids } from '../../core/clustering/nearest-centroid.js';

export function fitClusters(
  vectors: readonly Float32Array[],
  trainRows: readonly number[],
  k: number,
  seed: number,
): Centroids {
  const d = vectors[0]!.length;
  const { mean, std } = standardization(
    trainRows.map((i) => vectors[i]!),
    d,
  );
  const data = trainRows.map((i) => Array.from(vectors[i]!, (x, j) => (x - mean[j]!) / std[j]!));
  const result = kmeans(data, k, { seed, initialization: 'kmeans++', maxIterations: 100 });
  return { mean, std, centroids: result.centroids.map((c) => Float32Array.from(c)) };
}

export function clusterAssigner(model: Centroids, vectors: readonly Float32Array[]): (row: number) => number {
  const cache = new Map<number, number>();
  return (row) => {
    let k = cache.get(row);
    if (k === undefined) cache.set(row, (k = nearestCentroid(model, vectors[row]!)));
    return k;
  };
}
