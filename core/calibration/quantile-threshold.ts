/**
 * @module calibration/quantile-threshold
 * RouteLLM's calibration (docs/methods.md §4.2, calibrate_threshold.py): pick the threshold as a
 * quantile of calibration scores so that a target share of prompts passes it. It controls the
 * share, not the risk: the ablation "CRC vs quantile thresholds" compares the two.
 */

/** The τ such that about `share` of the scores are ≥ τ (share 0 → +∞, share 1 → −∞). */
export function quantileThreshold(scores: readonly number[], share: number): number {
  if (share <= 0 || scores.length === 0) return Infinity;
  if (share >= 1) return -Infinity;
  const sorted = [...scores].sort((a, b) => b - a);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!;
}
