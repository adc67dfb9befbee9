/**
 * @module calibration/selective-risk
 * The promise a visitor reads, "of the answers given on this device, at most α fall short of the
 * larger model's", certified with Learn-then-Test (Angelopoulos et al. 2021, Thm 1; as used for
 * selective routing by Uddin & Bauer 2026). The risk is *selective*, conditional on answering here:
 *   R(τ) = P(shortfall | score ≥ τ),
 * where a shortfall is a device answer graded worse than the edge's. That is not what marginal CRC
 * bounds (crc.ts: P(score ≥ τ and shortfall), a share of all messages), and read as the visitor
 * reads it the marginal table broke its promise at 16 of 30 points (issue 22).
 *
 * Method. The candidate thresholds and their order are fixed before the calibration data is read
 * (from the training split: `candidateThresholds`), each one hypothesis H_j: R(τ_j) > α. Given the n_j calibration
 * points that τ_j accepts, the count k_j of shortfalls among them is Binomial(n_j, R(τ_j)), so
 *   p_j = P(Binomial(n_j, α) ≤ k_j)
 * is a valid p-value for H_j (Clopper–Pearson's tail). Fixed-sequence testing in that order,
 * stopping at the first p_j > δ, controls the family-wise error at δ: with
 * probability ≥ 1 − δ over the calibration draw, every certified τ has R(τ) ≤ α. Any choice among
 * the certified ones keeps the guarantee, so the cost weight λ picks the one with the best mean
 * utility U = quality − λ·cost on the calibration set (CR²'s objective), and the promise itself
 * does not depend on λ. Nothing certified: τ = +∞ (every message goes to the edge).
 */

export type SelectivePoint = {
  readonly score: number;
  /** The device's answer was graded worse than the edge's (quality, not cost). */
  readonly shortfall: boolean;
  /** How much better this prompt is served here than at the edge: U_local − U_edge at this λ. */
  readonly utilityGain: number;
};

export type SelectiveResult = {
  /** +Infinity: nothing certified, every message defers. */
  readonly threshold: number;
  readonly nCalibration: number;
  /** Calibration points the chosen τ accepts, and the share of them that fell short. */
  readonly accepted: number;
  readonly selectiveRisk: number;
  readonly acceptRate: number;
  /** Candidates certified (fixed-sequence, at δ) before the first failure. */
  readonly certified: number;
  /** Clopper–Pearson upper bound on R(τ̂) at 1 − δ (1 when nothing is accepted). */
  readonly riskUpperBound: number;
};

/** log P(Binomial(n, p) ≤ k), summed in log space (n in the thousands underflows otherwise). */
export function logBinomialCdf(k: number, n: number, p: number): number {
  if (k >= n) return 0;
  if (k < 0) return -Infinity;
  if (p <= 0) return 0;
  if (p >= 1) return -Infinity;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let logTerm = n * logQ; // i = 0
  let logSum = logTerm;
  for (let i = 0; i < k; i++) {
    logTerm += Math.log((n - i) / (i + 1)) + logP - logQ;
    const hi = Math.max(logSum, logTerm);
    logSum = hi + Math.log(Math.exp(logSum - hi) + Math.exp(logTerm - hi));
  }
  return Math.min(0, logSum);
}

/** The largest r with P(Binomial(n, r) ≤ k) ≥ δ: the one-sided Clopper–Pearson upper bound. */
export function binomialUpperBound(k: number, n: number, delta: number): number {
  if (n === 0) return 1;
  let lo = k / n;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (logBinomialCdf(k, n, mid) >= Math.log(delta)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The candidate thresholds and the order they are tested in, both from the training split only
 * (the "learn" of Learn-then-Test), so the sequence is fixed before the calibration data is read.
 * Candidates are quantiles of the training scores; they are tested most promising first: by the
 * p-value the same test gives on the training points. (Testing from the most cautious τ down
 * would stop at once: a τ that accepts a handful of answers cannot certify anything.)
 */
export function candidateThresholds(
  training: readonly Pick<SelectivePoint, 'score' | 'shortfall'>[],
  riskLevel: number,
  count = 200,
): number[] {
  const sorted = training.filter((p) => Number.isFinite(p.score)).sort((a, b) => b.score - a.score);
  if (sorted.length === 0) return [];
  const evidence: { threshold: number; logP: number }[] = [];
  let shortfalls = 0;
  let next = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.shortfall) shortfalls++;
    const atQuantile = i >= Math.floor((next * sorted.length) / count) || i === sorted.length - 1;
    const lastOfTies = i === sorted.length - 1 || sorted[i + 1]!.score !== sorted[i]!.score;
    if (atQuantile && lastOfTies) {
      evidence.push({ threshold: sorted[i]!.score, logP: logBinomialCdf(shortfalls, i + 1, riskLevel) });
      while (Math.floor((next * sorted.length) / count) <= i) next++;
    }
  }
  return evidence.sort((a, b) => a.logP - b.logP || b.threshold - a.threshold).map((e) => e.threshold);
}

export function calibrateSelective(
  points: readonly SelectivePoint[],
  candidates: readonly number[],
  riskLevel: number,
  delta: number,
): SelectiveResult {
  const n = points.length;
  const nothing: SelectiveResult = {
    threshold: Infinity,
    nCalibration: n,
    accepted: 0,
    selectiveRisk: 0,
    acceptRate: 0,
    certified: 0,
    riskUpperBound: 1,
  };
  const logDelta = Math.log(delta);
  let best: { threshold: number; accepted: number; shortfalls: number; gain: number } | undefined;
  let certified = 0;
  for (const threshold of candidates) {
    let accepted = 0;
    let shortfalls = 0;
    let gain = 0;
    for (const p of points) {
      if (p.score < threshold) continue;
      accepted++;
      if (p.shortfall) shortfalls++;
      gain += p.utilityGain;
    }
    // An empty acceptance set has p = 1: the sequence stops, as for any hypothesis not rejected.
    if (accepted === 0 || logBinomialCdf(shortfalls, accepted, riskLevel) > logDelta) break; // H_j not rejected: stop
    certified++;
    if (!best || gain > best.gain) best = { threshold, accepted, shortfalls, gain };
  }
  if (!best) return { ...nothing, certified };
  return {
    threshold: best.threshold,
    nCalibration: n,
    accepted: best.accepted,
    selectiveRisk: best.shortfalls / best.accepted,
    acceptRate: best.accepted / n,
    certified,
    riskUpperBound: binomialUpperBound(best.shortfalls, best.accepted, delta),
  };
}
