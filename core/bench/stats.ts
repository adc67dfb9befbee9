/**
 * @module bench/stats
 * What each benchmark figure is reported as: n, mean, p50, p95, p99 and a 95% confidence interval
 * of the mean, and Welch's t-test for "did this change between two runs".
 */

export type Summary = {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** 95% confidence interval of the mean (normal approximation; [mean, mean] when n < 2). */
  readonly ci95: [number, number];
};

/** Linear-interpolated quantile of sorted values (type 7, what numpy and R use by default). */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

/** null for no samples (a metric that does not apply, e.g. decode speed of an edge answer). */
export function summarize(samples: readonly number[]): Summary | null {
  const xs = samples.filter(Number.isFinite);
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const m = mean(xs);
  const half = 1.96 * Math.sqrt(variance(xs) / xs.length);
  return {
    n: xs.length,
    mean: round(m),
    p50: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    p99: round(quantile(sorted, 0.99)),
    ci95: [round(m - half), round(m + half)],
  };
}

/** A summary per metric, leaving out metrics without samples. */
export function summarizeEach<K extends string>(samples: Partial<Record<K, number[]>>): Partial<Record<K, Summary>> {
  return Object.fromEntries(
    Object.entries(samples).flatMap(([k, v]) => {
      const s = summarize(v as number[]);
      return s ? [[k, s]] : [];
    }),
  ) as Partial<Record<K, Summary>>;
}

/** ln Γ(x), Lanczos approximation (g = 7, n = 9): enough digits for p-values. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized incomplete beta I_x(a, b) by its continued fraction (Numerical Recipes §6.4). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  let f = 1,
    c = 1,
    d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < 1e-300 ? 1e-300 : d);
  f = d;
  for (let m = 1; m <= 200; m++) {
    for (const numerator of [
      (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
      -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
    ]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < 1e-300 ? 1e-300 : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < 1e-300) c = 1e-300;
      f *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-12) break;
  }
  return (front * f) / a;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function studentTwoSidedP(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * Welch's t-test for mean(b) − mean(a): the t statistic, the Welch–Satterthwaite degrees of
 * freedom and the two-sided p-value from Student's t (small samples are common here: a few
 * repeats of a few prompts).
 */
export function welch(
  a: readonly number[],
  b: readonly number[],
): { readonly difference: number; readonly t: number; readonly df: number; readonly p: number } {
  const difference = mean(b) - mean(a);
  const [va, vb] = [variance(a) / a.length, variance(b) / b.length];
  const se = Math.sqrt(va + vb);
  if (se === 0)
    return {
      difference,
      t: difference === 0 ? 0 : Infinity * Math.sign(difference),
      df: a.length + b.length - 2,
      p: difference === 0 ? 1 : 0,
    };
  const t = difference / se;
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { difference, t, df, p: studentTwoSidedP(t, df) };
}

/** Student's t quantile t_{1−p/2, df} (two-sided p), by bisection on studentTwoSidedP. */
export function studentQuantile(twoSidedP: number, df: number): number {
  let [lo, hi] = [0, 1e3];
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > twoSidedP) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The mean of independent runs (seeds) with its 95% Student-t confidence interval. */
export function meanWithInterval(xs: readonly number[]): {
  readonly mean: number;
  readonly ci95: readonly [number, number];
  readonly n: number;
} {
  const m = mean(xs);
  if (xs.length < 2) return { mean: m, ci95: [NaN, NaN], n: xs.length };
  const half = studentQuantile(0.05, xs.length - 1) * Math.sqrt(variance(xs) / xs.length);
  return { mean: m, ci95: [m - half, m + half], n: xs.length };
}
