/**
 * @module calibration/crc
 * Conformal risk control (Angelopoulos et al. 2024, Thm 1; docs/methods.md §4.1) for the acceptance
 * threshold. Accept locally iff score ≥ τ. Loss L_i(τ) = 1[score_i ≥ τ and Δ_i < 0] (a false
 * acceptance), bounded by B = 1 and non-increasing in τ. Then
 *   τ̂ = inf { τ : n/(n+1)·R̂_n(τ) + B/(n+1) ≤ α },
 * and E[L_{n+1}(τ̂)] ≤ α. If no τ qualifies, τ̂ = +∞ (accept nothing).
 *
 * Never −∞ (issue 15). When every calibration score qualifies, the infimum is unbounded, but the
 * loss is constant on (−∞, s_min]: τ = s_min, the lowest calibration score, has the same
 * calibration risk, and since L is non-increasing in τ, E[L(s_min)] ≤ E[L(τ̂)] ≤ α keeps the
 * guarantee. What it adds: a prompt scoring below everything seen in calibration (off the
 * calibration distribution) is deferred instead of accepted. `−∞` stays available as an option.
 * Feasibility: with n points no τ but +∞ can be certified unless B/(n+1) ≤ α, i.e. n ≥ 1/α − 1
 * (19 points for α = 0.05); a group with fewer gets +∞ ("cannot certify: defer").
 */

export type CalibrationPoint = { readonly score: number; readonly falseAcceptIfAccepted: boolean };

export type CrcResult = {
  /** +Infinity accepts nothing; -Infinity accepts everything. */
  readonly threshold: number;
  readonly nCalibration: number;
  /** R̂_n(τ̂): realised false-acceptance rate on the calibration set. */
  readonly empiricalRisk: number;
  readonly acceptRate: number;
};

const BOUND = 1;

export type CrcOptions = {
  /** Where every calibration score qualifies: the lowest score (default), or −∞ (accept everything). */
  readonly belowCalibration?: 'lowest-score' | 'accept';
};

/** The fewest calibration points that can certify risk level α at all: B/(n+1) ≤ α. */
export const minimumCertifiableSize = (riskLevel: number): number =>
  Math.max(0, Math.ceil(BOUND / riskLevel - 1 - 1e-9));

export function calibrateThreshold(
  points: readonly CalibrationPoint[],
  riskLevel: number,
  options: CrcOptions = {},
): CrcResult {
  const n = points.length;
  const adjusted = (harmful: number) => (n / (n + 1)) * (harmful / n) + BOUND / (n + 1);
  if (n === 0 || adjusted(0) > riskLevel)
    return { threshold: Infinity, nCalibration: n, empiricalRisk: 0, acceptRate: 0 };
  const sorted = [...points].sort((a, b) => b.score - a.score);
  // Lower τ past each distinct score in turn; the adjusted risk only grows, so the last τ that
  // still satisfies the bound is the infimum of the valid set.
  let threshold = Infinity;
  let harmful = 0;
  let accepted = 0;
  let best = { harmful: 0, accepted: 0 };
  for (let i = 0; i < n; ) {
    const score = sorted[i]!.score;
    let groupHarmful = 0;
    let j = i;
    for (; j < n && sorted[j]!.score === score; j++) if (sorted[j]!.falseAcceptIfAccepted) groupHarmful++;
    if (adjusted(harmful + groupHarmful) > riskLevel) break;
    harmful += groupHarmful;
    accepted = j;
    threshold = score;
    best = { harmful, accepted };
    i = j;
  }
  // Every calibration score qualifies: the infimum is unbounded (see the module note).
  if (best.accepted === n && options.belowCalibration === 'accept') threshold = -Infinity;
  return { threshold, nCalibration: n, empiricalRisk: best.harmful / n, acceptRate: best.accepted / n };
}
