/**
 * @module calibration/threshold-table
 * `thresholds.json` (docs/architecture.md §6): one CRC threshold per operating point (λ, α), bound to
 * the gate by its sha256. `lookupThreshold` maps any requested (λ, α) onto the grid without ever
 * promising more than was calibrated: nearest λ, then the largest calibrated α ≤ the request.
 */
import { RouterError } from '../errors.js';
import type { RepresentationInfo } from '../gate/gate-graph.js';
import type { ClusterTable } from './cluster-table.js';

/** JSON cannot hold ±Infinity; thresholds serialise them as these strings. */
export type JsonThreshold = number | '+inf' | '-inf';

export type ThresholdRow = {
  readonly cost_weight: number;
  readonly risk_level: number;
  readonly threshold: JsonThreshold;
  readonly n_calibration: number;
  readonly empirical_risk: number;
  readonly accept_rate: number;
  /** Selective guarantee: the Clopper–Pearson upper bound on the calibration's selective risk at 1 − δ. */
  readonly risk_upper_bound?: number;
  /** Held-out test split figures (not used for routing; reported for the evidence). */
  readonly test_risk?: number;
  readonly test_accept_rate?: number;
};

export type ThresholdsFile = {
  readonly format: 'riskgate.thresholds/1';
  readonly gate_sha256: string;
  readonly representation: RepresentationInfo;
  /** `shortfall` with the selective guarantee; `false_acceptance` with marginal CRC. */
  readonly loss: 'false_acceptance' | 'shortfall';
  /**
   * What a row's α bounds. `selective` (the default since issue 22): of the answers given on this
   * device, at most α fall short of the edge's, with probability ≥ 1 − δ over the calibration draw.
   * `marginal` (absent = marginal, files from before): of all messages, at most α (in expectation)
   * are answered here and worse.
   */
  readonly guarantee?: 'selective' | 'marginal';
  readonly delta?: number;
  /** Whose answers made the labels (`riskgate fit`); the worker refuses a gate fitted to another model. */
  readonly labels?: GateLabels;
  readonly rows: readonly ThresholdRow[];
  /** Per-cluster thresholds (cluster-table.ts), when calibrate was asked for them. */
  readonly clusters?: ClusterTable;
  /** The calibration split for recalibrating under live costs (calibration-set.ts), relative to this file. */
  readonly calibration_set?: { readonly json: string; readonly sha256: string };
  readonly [extra: string]: unknown;
};

export type GateLabels = {
  /** The local model whose own answers were graded: its id and the sha256 of its weights. */
  readonly local_model: string;
  readonly local_model_sha256: string;
  readonly edge_models: readonly string[];
  /** How each answer was judged: a grader per task, or the pairwise judge. */
  readonly graders: readonly string[];
  readonly prompts: number;
  /** The widget's policy the answers were made under. */
  readonly max_tokens: number;
  readonly context_length: number;
};

/** The model a gate's labels belong to: `labels`, else (files from before issue 22) the roles' local model. */
export function labelsModelOf(file: ThresholdsFile): { readonly id: string; readonly sha256: string | undefined } {
  if (file.labels) return { id: file.labels.local_model, sha256: file.labels.local_model_sha256 };
  const roles = file.roles as { local?: string } | undefined;
  return { id: roles?.local ?? 'unknown', sha256: undefined };
}

export type OperatingPoint = { readonly costWeight: number; readonly riskLevel: number };
export type ResolvedThreshold = { readonly threshold: number; readonly row: ThresholdRow | undefined };

export const toJsonThreshold = (t: number): JsonThreshold => (t === Infinity ? '+inf' : t === -Infinity ? '-inf' : t);
export const fromJsonThreshold = (t: JsonThreshold): number => (t === '+inf' ? Infinity : t === '-inf' ? -Infinity : t);

export function parseThresholdsFile(value: unknown): ThresholdsFile {
  const file = value as Partial<ThresholdsFile> | null;
  const ok =
    file !== null &&
    typeof file === 'object' &&
    file.format === 'riskgate.thresholds/1' &&
    typeof file.gate_sha256 === 'string' &&
    Array.isArray(file.rows) &&
    file.rows.length > 0 &&
    file.rows.every(
      (r) =>
        typeof r.cost_weight === 'number' &&
        typeof r.risk_level === 'number' &&
        (typeof r.threshold === 'number' || r.threshold === '+inf' || r.threshold === '-inf'),
    );
  if (!ok) throw new RouterError('invalid_artifact', 'thresholds.json is not a riskgate.thresholds/1 file with rows');
  return file as ThresholdsFile;
}

export function lookupThreshold(file: ThresholdsFile, point: OperatingPoint): ResolvedThreshold {
  const weights = [...new Set(file.rows.map((r) => r.cost_weight))];
  // An empty table (the edge-only rung's) has no nearest weight: nothing is certified.
  const nearest = weights.reduce<number | undefined>(
    (a, b) => (a === undefined || Math.abs(b - point.costWeight) < Math.abs(a - point.costWeight) ? b : a),
    undefined,
  );
  const candidates = file.rows
    .filter((r) => r.cost_weight === nearest && r.risk_level <= point.riskLevel + 1e-12)
    .sort((a, b) => b.risk_level - a.risk_level);
  const row = candidates[0];
  // Below the smallest calibrated α nothing is guaranteed: accept nothing locally.
  return row ? { threshold: fromJsonThreshold(row.threshold), row } : { threshold: Infinity, row: undefined };
}

/** The operating points a picker should offer: the calibrated grid. */
export function operatingGrid(file: ThresholdsFile): { costWeights: number[]; riskLevels: number[] } {
  const sortUnique = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  return {
    costWeights: sortUnique(file.rows.map((r) => r.cost_weight)),
    riskLevels: sortUnique(file.rows.map((r) => r.risk_level)),
  };
}

/** Operating points where calibration could not certify α (τ = +∞: every prompt defers). */
export function uncertifiedPoints(file: ThresholdsFile): OperatingPoint[] {
  return file.rows
    .filter((r) => r.threshold === '+inf')
    .map((r) => ({ costWeight: r.cost_weight, riskLevel: r.risk_level }));
}
