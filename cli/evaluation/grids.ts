/**
 * @module cli/evaluation/grids
 * The operating points the evaluation sweeps. λ is the cost weight of U = a − λ·c̄ (c̄ ≈ 0.3–1.5
 * under the default cost model, so λ ∈ [0, 8] spans "quality only" to "cost dominates").
 */
export const EVAL_COST_WEIGHTS = Object.freeze([0, 0.5, 1, 2, 4, 8]);
export const EVAL_RISK_LEVELS = Object.freeze([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4]);
/** λ sweep for the policies whose only knob is λ (oracle, kNN, selector-only). */
export const LAMBDA_SWEEP = Object.freeze([0, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8]);
/** Target shares for quantile thresholds and random mixes. */
export const SHARES = Object.freeze(Array.from({ length: 21 }, (_, i) => i / 20));
/** λ-free baselines send deferred prompts to the selector at each of these λ; the frontier keeps the best. */
export const SELECTOR_COST_WEIGHTS = Object.freeze([0, 1, 4]);
export const BAO_LATENCY_WEIGHTS = Object.freeze([0.1, 0.3, 1]); // α_B in 1/s (docs/methods.md §3.3)
export const RESPLITS = 500;
export const CLUSTERS = 8;
