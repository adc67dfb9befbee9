/**
 * @module cli/evaluation/predictors
 * Everything the evaluation fits on the training split of one representation:
 *   gate         g(e(x), λ) ≈ Δ(x, ξ; λ)                      the CR² margin gate (λ ~ U[0, λ_max])
 *   noLambdaGate g(e(x))    ≈ Δ(x, ξ; 0)                      ablation: a gate that ignores cost
 *   edgeNeed     p(x)       ≈ P(best edge beats local)         RouteLLM's P(win_strong) and Bao's p(x)
 *   quality[m]   Q̂_m(x)     ≈ a_m(x), one per edge model       the edge utility selector
 *   knnMargin    mean Δ of the k nearest training prompts      RouterBench's kNN router
 */
import { predictMargin, standardization, trainMarginGate, type GateWeights } from '../../core/gate/mlp.js';
import { bestEdgeModel, utilityMargin, type RoutingTable } from '../../core/routing/routing-table.js';

export const MAX_COST_WEIGHT = 8;
export const KNN_NEIGHBOURS = 15;

export type Predictors = {
  readonly gate: GateWeights;
  readonly noLambdaGate: GateWeights;
  readonly edgeNeed: GateWeights;
  /** quality[m − 1] predicts edge model m (models[0] is local). */
  readonly quality: readonly GateWeights[];
  knnMargin(row: number, costWeight: number): number;
};

export function fitPredictors(
  table: RoutingTable,
  vectors: readonly Float32Array[],
  trainRows: readonly number[],
  seed: number,
): Predictors {
  const reps = trainRows.map((i) => vectors[i]!);
  const gate = trainMarginGate(reps, (r, λ) => utilityMargin(table, trainRows[r]!, λ), {
    seed,
    maxCostWeight: MAX_COST_WEIGHT,
  }).weights;
  const noLambdaGate = trainMarginGate(reps, (r) => utilityMargin(table, trainRows[r]!, 0), {
    seed,
    maxCostWeight: 0,
  }).weights;
  const edgeNeed = trainMarginGate(
    reps,
    (r) => (bestEdgeModel(table, trainRows[r]!, 0).utility > table.quality[0]![trainRows[r]!]! ? 1 : 0),
    { seed, maxCostWeight: 0 },
  ).weights;
  const quality = table.models.slice(1).map((_, e) => {
    const labelled = trainRows.filter((row) => !Number.isNaN(table.quality[e + 1]![row]!));
    return trainMarginGate(
      labelled.map((i) => vectors[i]!),
      (r) => table.quality[e + 1]![labelled[r]!]!,
      { seed, maxCostWeight: 0 },
    ).weights;
  });
  return { gate, noLambdaGate, edgeNeed, quality, knnMargin: knnRouter(table, vectors, trainRows) };
}

/** For each queried row, the mean full-information margin of its k nearest training prompts. */
function knnRouter(table: RoutingTable, vectors: readonly Float32Array[], trainRows: readonly number[]) {
  const d = vectors[0]!.length;
  const { mean, std } = standardization(
    trainRows.map((i) => vectors[i]!),
    d,
  );
  const z = (v: Float32Array) => Float32Array.from(v, (x, i) => (x - mean[i]!) / std[i]!);
  const train = trainRows.map((i) => z(vectors[i]!));
  const neighbours = new Map<number, number[]>();
  const nearest = (row: number): number[] => {
    const cached = neighbours.get(row);
    if (cached) return cached;
    const q = z(vectors[row]!);
    const best: { i: number; d: number }[] = [];
    for (let t = 0; t < train.length; t++) {
      const v = train[t]!;
      let dist = 0;
      for (let i = 0; i < d; i++) dist += (q[i]! - v[i]!) ** 2;
      if (best.length < KNN_NEIGHBOURS || dist < best.at(-1)!.d) {
        best.push({ i: trainRows[t]!, d: dist });
        best.sort((a, b) => a.d - b.d);
        if (best.length > KNN_NEIGHBOURS) best.pop();
      }
    }
    const rows = best.map((b) => b.i);
    neighbours.set(row, rows);
    return rows;
  };
  return (row: number, costWeight: number) => {
    const rows = nearest(row);
    return rows.reduce((s, r) => s + utilityMargin(table, r, costWeight), 0) / rows.length;
  };
}

export const score = (
  weights: GateWeights,
  vectors: readonly Float32Array[],
  rows: readonly number[],
  costWeight = 0,
): number[] => rows.map((row) => predictMargin(weights, vectors[row]!, costWeight));
