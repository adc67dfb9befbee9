/**
 * @module calibration/risk-audit
 * Checking a risk guarantee on data it was not calibrated on (issue 15): per group, the realised
 * false-acceptance rate with a Wilson score interval (Wilson 1927) and the exact one-sided
 * binomial test of "the rate exceeds α" (H0: p ≤ α; p-value = P[Bin(n, α) ≥ k]).
 */

/** The 95% Wilson score interval of k successes in n trials. */
export function wilsonInterval(k: number, n: number, z = 1.959964): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
const logFactorialCache: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorialCache.length; i <= n; i++) logFactorialCache[i] = logFactorialCache[i - 1]! + Math.log(i);
  return logFactorialCache[n]!;
}

/** P[Bin(n, p) ≥ k], summed exactly in log space (n up to tens of thousands). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let total = 0;
  for (let i = k; i <= n; i++) total += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, total);
}

export type GroupRisk = {
  readonly group: string;
  readonly n: number;
  /** Share of the group the edge strictly beats (Δ < 0): what accepting everything would cost. */
  readonly baseRate: number;
  readonly acceptRate: number;
  readonly falseAcceptRate: number;
  readonly wilson95: [number, number];
  /** One-sided exact binomial p-value of "false acceptance exceeds α". */
  readonly pExceeds: number;
};

export function auditGroups(
  rows: readonly { group: string; accepted: boolean; edgeBetter: boolean }[],
  riskLevel: number,
): GroupRisk[] {
  const groups = new Map<string, { n: number; edgeBetter: number; accepted: number; falseAccept: number }>();
  for (const r of rows) {
    const g = groups.get(r.group) ?? { n: 0, edgeBetter: 0, accepted: 0, falseAccept: 0 };
    g.n++;
    if (r.edgeBetter) g.edgeBetter++;
    if (r.accepted) g.accepted++;
    if (r.accepted && r.edgeBetter) g.falseAccept++;
    groups.set(r.group, g);
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, g]) => ({
      group,
      n: g.n,
      baseRate: g.edgeBetter / g.n,
      acceptRate: g.accepted / g.n,
      falseAcceptRate: g.falseAccept / g.n,
      wilson95: wilsonInterval(g.falseAccept, g.n),
      pExceeds: binomialUpperTail(g.falseAccept, g.n, riskLevel),
    }));
}
