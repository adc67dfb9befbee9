/**
 * @module evaluation/frontier
 * RouterBench's deployable accuracy–cost frontier (docs/methods.md §4.3): any two achievable
 * (cost, accuracy) points can be mixed at random, so what a policy can deploy is the
 * non-decreasing upper convex hull R̃(c) of its points. On it:
 *   AIQ = 1/(c_max − c_min) ∫ R̃(c) dc                                  (§4.3)
 *   Red(a) = 1 − C_ours(a) / C_base(a), a within both frontiers' range  (§4.4, no extrapolation)
 */

export type CostAccuracy = { readonly cost: number; readonly accuracy: number };

/** Upper convex hull by cost, cut at its most accurate point (beyond it, paying more buys nothing). */
export function deployableFrontier(points: readonly CostAccuracy[]): CostAccuracy[] {
  const sorted = [...points]
    .filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.accuracy))
    .sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
  const hull: CostAccuracy[] = [];
  for (const p of sorted) {
    if (hull.length > 0 && hull.at(-1)!.cost === p.cost) continue; // same cost: the first is the most accurate
    while (hull.length >= 2) {
      const [a, b] = [hull.at(-2)!, hull.at(-1)!];
      const cross = (b.cost - a.cost) * (p.accuracy - a.accuracy) - (b.accuracy - a.accuracy) * (p.cost - a.cost);
      if (cross >= 0)
        hull.pop(); // b lies on or below the chord a→p
      else break;
    }
    hull.push(p);
  }
  let best = 0;
  hull.forEach((p, i) => {
    if (p.accuracy > hull[best]!.accuracy) best = i;
  });
  return hull.slice(0, best + 1);
}

/** R̃(c): undefined below the frontier's cheapest point; flat beyond its most accurate one. */
export function accuracyAtCost(frontier: readonly CostAccuracy[], cost: number): number | undefined {
  if (frontier.length === 0 || cost < frontier[0]!.cost) return undefined;
  for (let i = 1; i < frontier.length; i++) {
    const [a, b] = [frontier[i - 1]!, frontier[i]!];
    if (cost <= b.cost) return a.accuracy + ((b.accuracy - a.accuracy) * (cost - a.cost)) / (b.cost - a.cost);
  }
  return frontier.at(-1)!.accuracy;
}

/** C(a): the least cost that reaches accuracy a; undefined outside [first, last] accuracy. */
export function costAtAccuracy(frontier: readonly CostAccuracy[], accuracy: number): number | undefined {
  if (frontier.length === 0 || accuracy > frontier.at(-1)!.accuracy + 1e-12) return undefined;
  if (accuracy <= frontier[0]!.accuracy)
    return accuracy < frontier[0]!.accuracy - 1e-12 ? undefined : frontier[0]!.cost;
  for (let i = 1; i < frontier.length; i++) {
    const [a, b] = [frontier[i - 1]!, frontier[i]!];
    if (accuracy <= b.accuracy)
      return a.cost + ((b.cost - a.cost) * (accuracy - a.accuracy)) / (b.accuracy - a.accuracy);
  }
  return frontier.at(-1)!.cost;
}

export function averageQuality(
  frontier: readonly CostAccuracy[],
  costRange: readonly [number, number],
  steps = 200,
): number {
  const [lo, hi] = costRange;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const c = lo + ((hi - lo) * i) / steps;
    sum += (accuracyAtCost(frontier, c) ?? frontier[0]?.accuracy ?? 0) * (i === 0 || i === steps ? 0.5 : 1);
  }
  return sum / steps;
}

export type CostReduction = {
  /** max over the accuracy grid of 1 − C_ours(a)/C_base(a) ("up to", as CR² reports). */
  readonly max: number;
  readonly mean: number;
  readonly atAccuracy: number;
  /** The overlapping accuracy range the grid spans; empty (NaN figures) when they do not overlap. */
  readonly accuracyRange: readonly [number, number];
};

export function costReductionAtMatchedAccuracy(
  ours: readonly CostAccuracy[],
  base: readonly CostAccuracy[],
  steps = 100,
): CostReduction {
  const lo = Math.max(ours[0]?.accuracy ?? Infinity, base[0]?.accuracy ?? Infinity);
  const hi = Math.min(ours.at(-1)?.accuracy ?? -Infinity, base.at(-1)?.accuracy ?? -Infinity);
  if (!(hi >= lo)) return { max: NaN, mean: NaN, atAccuracy: NaN, accuracyRange: [lo, hi] };
  let max = -Infinity,
    at = lo,
    sum = 0,
    n = 0;
  for (let i = 0; i <= steps; i++) {
    const a = hi === lo ? lo : lo + ((hi - lo) * i) / steps;
    const co = costAtAccuracy(ours, a),
      cb = costAtAccuracy(base, a);
    if (co === undefined || cb === undefined || cb <= 0) continue;
    const red = 1 - co / cb;
    sum += red;
    n++;
    if (red > max) {
      max = red;
      at = a;
    }
  }
  return { max, mean: n ? sum / n : NaN, atAccuracy: at, accuracyRange: [lo, hi] };
}
