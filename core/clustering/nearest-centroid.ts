/**
 * @module clustering/nearest-centroid
 * Cluster assignment for per-cluster thresholds (ConsRoute, docs/methods.md §2.3): the k-means
 * centroids are fitted offline (cli, ml-kmeans); at run time a prompt's representation goes to its
 * nearest centroid in the standardized space the centroids were fitted in.
 */

export type Centroids = {
  readonly mean: Float32Array;
  readonly std: Float32Array;
  readonly centroids: readonly Float32Array[];
};

export function nearestCentroid(model: Centroids, representation: ArrayLike<number>): number {
  let best = 0;
  let bestDistance = Infinity;
  model.centroids.forEach((c, k) => {
    let d = 0;
    for (let i = 0; i < c.length; i++) d += ((representation[i]! - model.mean[i]!) / model.std[i]! - c[i]!) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  });
  return best;
}
