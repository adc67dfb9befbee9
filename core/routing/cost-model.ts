/**
 * @module routing/cost-model
 * The first cost model: a fixed normalized deployment cost per path (CR² §1.3 writes
 * c̄_m = ω_t·t_m/T0 + ω_e·e_m/E0; until the wireless link model lands, each path's c̄ is a named
 * constant on that same normalized scale, with the edge call = 1).
 * Utility U_m = quality_m − λ·c̄_m (CR² §1.4 eq. 1); margin Δ = U_local − max_edge U_m (eq. 2).
 */

export type PathCosts = { readonly local: number; readonly edge: number };

/**
 * @default local 0.2: on-device compute and energy, a fifth of an edge call;
 *          edge 1.0: uplink + edge compute + downlink (the normalization unit).
 */
export const DEFAULT_PATH_COSTS: PathCosts = Object.freeze({ local: 0.2, edge: 1.0 });

/** Δ(x; λ) = (q_local − λ·c̄_local) − max_m (q_m − λ·c̄_edge). Local is utility-optimal iff Δ ≥ 0. */
export function utilityMargin(localQuality: number, bestEdgeQuality: number, costWeight: number, costs: PathCosts = DEFAULT_PATH_COSTS): number {
  return localQuality - costWeight * costs.local - (bestEdgeQuality - costWeight * costs.edge);
}
