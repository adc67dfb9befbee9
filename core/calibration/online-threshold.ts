/**
 * @module calibration/online-threshold
 * Adaptive conformal inference for the acceptance threshold (Gibbs & Candès 2021, eq. 2; in the
 * threshold form of online quantile tracking, Angelopoulos, Barber & Bates 2023, eq. 1):
 *   τ_{t+1} = τ_t + γ · (err_t − α),   err_t = 1[score_t ≥ τ_t and Δ_t < 0]
 * — a false acceptance raises the threshold by γ(1 − α), every other labelled prompt lowers it by
 * γα. Whatever the data do (no exchangeability, any shift), the long-run false-acceptance rate
 * satisfies |(1/T) Σ err_t − α| ≤ (B + γ) / (γ T), with B the width of the range τ stays in
 * (Gibbs & Candès, Prop. 4.1); the static CRC threshold keeps its guarantee only while calibration
 * and use are exchangeable. The state is plain data, so the worker can keep it in IndexedDB next to
 * the calibrated table (issue 15; not wired into the worker yet).
 */

/**
 * γ for the gate's margin scores, in score units. Chosen by the replay in docs/results/transfer
 * (RouteLLM → RouterBench, 4 stream orders): 0.02 left a task 15 points above α after the shift
 * (it adapts too slowly for a task of 300 prompts); 0.3 kept every task within α + 0.02 at all 30
 * operating points (worst +1.4 to +1.7 points).
 */
export const DEFAULT_STEP_SIZE = 0.3;

export type OnlineThresholdState = {
  readonly threshold: number;
  readonly riskLevel: number;
  /** γ, in score units per step. */
  readonly stepSize: number;
  /** The range τ is kept in: the scores' range, so ±∞ from a calibration table becomes finite. */
  readonly bounds: readonly [number, number];
  readonly steps: number;
  readonly falseAcceptances: number;
};

/** Starts from the calibrated τ (±∞ clamped to `bounds`). */
export function startOnlineThreshold(
  calibrated: number,
  riskLevel: number,
  stepSize: number,
  bounds: readonly [number, number],
): OnlineThresholdState {
  return {
    threshold: Math.min(bounds[1], Math.max(bounds[0], calibrated)),
    riskLevel,
    stepSize,
    bounds,
    steps: 0,
    falseAcceptances: 0,
  };
}

/** One labelled prompt: was it accepted at the current τ, and was the edge strictly better (Δ < 0)? */
export function updateOnlineThreshold(
  state: OnlineThresholdState,
  label: { readonly score: number; readonly edgeBetter: boolean },
): OnlineThresholdState {
  const error = label.score >= state.threshold && label.edgeBetter ? 1 : 0;
  const next = state.threshold + state.stepSize * (error - state.riskLevel);
  return {
    ...state,
    threshold: Math.min(state.bounds[1], Math.max(state.bounds[0], next)),
    steps: state.steps + 1,
    falseAcceptances: state.falseAcceptances + error,
  };
}

/** The realised long-run false-acceptance rate so far (NaN before the first label). */
export const realisedRisk = (state: OnlineThresholdState): number => state.falseAcceptances / state.steps;

/**
 * The range ACI keeps τ in: a floor at the lowest finite calibrated threshold (never below what
 * calibration saw, as CRC never goes to −∞) and no ceiling. Without the floor, a long easy stretch
 * walked τ far below every score and the next hard task took hundreds of prompts to climb back
 * (measured in the replay). A floor only ever makes τ higher, so fewer answers are given here and
 * the one-sided bound (realised rate ≤ α + (τ_max − τ_floor + γ/ρ)/(γT) over any window of T
 * labels, τ_max ≤ max score + γ/ρ) still holds. A ceiling would not: it discarded the upward steps
 * of shortfalls (issue 22: it bound at 30 of 30 points at ρ = 0.1). τ never needs one, since above
 * every score nothing is accepted and each label lowers it. An uncertified point (τ = +∞) stays
 * +∞: adaptation never starts answering where calibration promised nothing.
 */
export function boundsAround(calibrated: readonly number[], below = 0): [number, number] {
  const finite = calibrated.filter(Number.isFinite);
  return [finite.length ? Math.min(...finite) - below : -Infinity, Infinity];
}

/**
 * One prompt's step when its label is only sometimes observed: a prompt accepted here is checked
 * by the judge with probability ρ (the shadow rate); a deferred prompt is never a false acceptance.
 *   ê_t = 1[accepted] · 1[checked] · err_t / ρ,   τ_{t+1} = τ_t + γ · (ê_t − α)
 * Inverse-probability weighting (Horvitz & Thompson 1952) makes E[ê_t | past] = E[err_t | past], so
 * the update is ACI's (Gibbs & Candès 2021, eq. 2) in expectation; the bound then holds for the
 * long-run average of ê, and realised error follows it with variance that grows as ρ shrinks
 * (each checked false acceptance moves τ by γ/ρ). `falseAcceptances` counts checked ones.
 */
export function updateOnlineThresholdSampled(
  state: OnlineThresholdState,
  label: { readonly accepted: boolean; readonly checked: boolean; readonly edgeBetter: boolean; readonly rate: number },
): OnlineThresholdState {
  const observed = label.accepted && label.checked && label.edgeBetter ? 1 : 0;
  const next = state.threshold + state.stepSize * (observed / label.rate - state.riskLevel);
  return {
    ...state,
    threshold: Math.min(state.bounds[1], Math.max(state.bounds[0], next)),
    steps: state.steps + 1,
    falseAcceptances: state.falseAcceptances + observed,
  };
}
