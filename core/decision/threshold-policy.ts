/**
 * @module decision/threshold-policy
 * The one seam every threshold refinement plugs into. A policy answers three questions: which τ
 * this prompt's score is compared with (for its operating point and group), what it learns from a
 * decision and from a late label, and what the picker should show about it. The calibrated table
 * is the base (table-policy.ts); per-cluster risk control, live costs and adaptive thresholds are
 * refinements (refinements/), each wrapping the policy beneath it. `composePolicy` stacks them
 * once, at load, so the worker and the `transfer --online` replay run the very same stack.
 */
import type { RouteMode } from '../protocol/chat.js';
import type { DecisionCost, OnlinePointStatus } from '../protocol/worker-api.js';

/** A calibrated grid point (λ, α) of the thresholds table. */
export type OperatingPoint = { readonly costWeight: number; readonly riskLevel: number };

export type ThresholdQuery = {
  readonly costWeight: number;
  readonly riskLevel: number;
  readonly mode: RouteMode;
  /** Prompt length in tokens (live costs price this prompt); 0 where nothing was counted. */
  readonly promptTokens: number;
  /** The prefill's representation; undefined for a prompt deferred before the gate (no engine, too long). */
  readonly representation: Float32Array | undefined;
};

export type ThresholdReading = {
  /** τ the gate's score is compared with: accept locally when ĝ ≥ τ. */
  readonly threshold: number;
  /** τ calibration gives here (the table's, or recalibrated under live costs), before adaptation. */
  readonly calibrated: number;
  /** τ in the shipped table at this point and group: the adaptive state is kept against it. */
  readonly table: number;
  /**
   * How far calibration moved τ from the table (live costs: calibrated − table, possibly NaN at
   * ±∞); adaptation moves the calibrated τ by its own offset from the table, so both compose.
   */
  readonly offset: number;
  /** The grid point the request fell on; undefined off the grid, where no refinement moves τ. */
  readonly point: OperatingPoint | undefined;
  /** The cluster under per-cluster risk control; null marginally or before the gate. */
  readonly group: number | null;
  /** What live recalibration used; null under the calibrated cost model. */
  readonly cost: DecisionCost | null;
  /** Hears the gate's score once the decision is made (adaptation steps here). */
  readonly settle: (decisionId: string, score: number) => Promise<void>;
};

/** A late label for a decision answered here: the visitor said it fell short, or a shadow check judged it. */
export type ThresholdLabel =
  | { readonly kind: 'fell-short' }
  | { readonly kind: 'shadow'; readonly edgeBetter: boolean; readonly rate: number };

export type PolicyStatus = {
  readonly riskControl: 'marginal' | 'per-cluster';
  readonly costModel: 'calibrated' | 'live';
  /** The adaptive points' state; null when thresholds do not adapt. */
  readonly online: readonly OnlinePointStatus[] | null;
};

export interface ThresholdPolicy {
  read(query: ThresholdQuery): ThresholdReading;
  /** The point's new state, or null when nothing here learns from labels (or the decision is unknown). */
  label(decisionId: string, label: ThresholdLabel): Promise<OnlinePointStatus | null>;
  status(): PolicyStatus;
}

/** A refinement wraps the policy beneath it and may change any of its answers. */
export type ThresholdRefinement = (inner: ThresholdPolicy) => ThresholdPolicy;

/**
 * Stacks refinements over a base, innermost first (table → per-cluster → live costs → adaptive);
 * an `undefined` entry is a refinement the page did not ask for.
 */
export function composePolicy(
  base: ThresholdPolicy,
  refinements: readonly (ThresholdRefinement | undefined)[],
): ThresholdPolicy {
  return refinements.reduce<ThresholdPolicy>((policy, refine) => (refine ? refine(policy) : policy), base);
}
