/**
 * @module calibration/calibration-set
 * The calibration split as the worker needs it to run CRC again at decision time (issue 15, point
 * 3; decision 023): per calibration prompt, the gate's score ĝ(h, λ) at each shipped λ, each
 * model's recorded quality a_m(x), its answer length and price, and the prompt's length. With a
 * cost function c̄_m(x) (the training one, or one from live measurements), the labels are
 *   Δ(x; λ) = a_0(x) − λ·c̄_0(x) − max_{m ≥ 1} (a_m(x) − λ·c̄_m(x))        (CR² §1.4 eq. 2)
 * and τ̂ is CRC (crc.ts, Angelopoulos et al. 2024 Thm 1) on {(ĝ_i, 1[Δ_i < 0])}. The score is a
 * fixed function of the prompt, so any cost function applied alike to the calibration prompts and
 * the new one keeps E[false acceptance] ≤ α under exchangeability; the costs only decide which
 * calibration prompts count as false acceptances.
 */
import { RouterError } from '../errors.js';
import type { EdgeProfile } from '../routing/wireless-cost.js';
import { calibrateThreshold, type CrcResult } from './crc.js';

export type CalibrationSetModel = {
  readonly id: string;
  /** a_m(x) per calibration prompt; null where the dataset has no label (the model is then skipped). */
  readonly quality: readonly (number | null)[];
  readonly output_tokens: readonly number[];
  readonly usd: readonly number[];
  /** c̄_m(x, ξ) the gate was trained and the table calibrated under (the seeded wireless channel). */
  readonly training_cost: readonly number[];
  /** Edge models only: latency profile used where nothing was measured. */
  readonly profile?: EdgeProfile;
};

export type CalibrationSetFile = {
  readonly format: 'riskgate.calibration-set/1';
  readonly gate_sha256: string;
  readonly cost_weights: readonly number[];
  readonly prompt_tokens: readonly number[];
  /** models[0] is the local role, the rest the edge models. */
  readonly models: readonly CalibrationSetModel[];
  /** scores[k][i] = ĝ(h_i, cost_weights[k]). */
  readonly scores: readonly (readonly number[])[];
  /** Each prompt's cluster (thresholds.json's clusters), when there are clusters. */
  readonly clusters?: readonly number[];
  readonly min_cluster_size?: number;
};

export function parseCalibrationSet(value: unknown, gateSha256: string): CalibrationSetFile {
  const file = value as Partial<CalibrationSetFile> | null;
  const n = Array.isArray(file?.prompt_tokens) ? file.prompt_tokens.length : -1;
  const ok =
    file !== null &&
    typeof file === 'object' &&
    file.format === 'riskgate.calibration-set/1' &&
    n > 0 &&
    Array.isArray(file.cost_weights) &&
    Array.isArray(file.scores) &&
    file.scores.length === file.cost_weights.length &&
    file.scores.every((s) => s.length === n) &&
    Array.isArray(file.models) &&
    file.models.length >= 2 &&
    file.models.every(
      (m) =>
        m.quality.length === n && m.output_tokens.length === n && m.usd.length === n && m.training_cost.length === n,
    ) &&
    file.models.slice(1).every((m) => m.profile !== undefined) &&
    (file.clusters === undefined || file.clusters.length === n);
  if (!ok)
    throw new RouterError(
      'invalid_artifact',
      'the calibration set is not a riskgate.calibration-set/1 file with matching columns',
    );
  if (file.gate_sha256 !== gateSha256)
    throw new RouterError('artifact_mismatch', 'the calibration set was made with another gate than the one loaded');
  // Scores are written with the 9 digits that name a float32; fround gives back the gate's value.
  return { ...(file as CalibrationSetFile), scores: file.scores.map((s) => s.map(Math.fround)) };
}

/** c̄_m for calibration prompt `row` (m = 0 is the local role). */
export type CostOf = (model: number, row: number) => number;

export const trainingCostOf =
  (set: CalibrationSetFile): CostOf =>
  (m, row) =>
    set.models[m]!.training_cost[row]!;

/** 1[Δ_i(λ) < 0] for every calibration prompt: accepting it would be a false acceptance. */
export function falseAcceptanceLabels(set: CalibrationSetFile, costOf: CostOf, costWeight: number): boolean[] {
  const [local, ...edge] = set.models;
  return set.prompt_tokens.map((_, row) => {
    const localUtility = (local!.quality[row] ?? NaN) - costWeight * costOf(0, row);
    let bestEdge = -Infinity;
    edge.forEach((model, e) => {
      const quality = model.quality[row];
      if (quality !== null && quality !== undefined)
        bestEdge = Math.max(bestEdge, quality - costWeight * costOf(e + 1, row));
    });
    return localUtility - bestEdge < 0;
  });
}

/**
 * CRC at a shipped operating point under the given costs; `group` restricts it to one cluster
 * (cluster-crc.ts: fewer than min_cluster_size points defer everything).
 */
export function recalibrate(
  set: CalibrationSetFile,
  costOf: CostOf,
  point: { costWeight: number; riskLevel: number },
  group: number | null = null,
): CrcResult {
  const k = set.cost_weights.indexOf(point.costWeight);
  if (k < 0)
    throw new RouterError(
      'invalid_request',
      `λ = ${point.costWeight} is not one of the calibration set's cost weights`,
    );
  const labels = falseAcceptanceLabels(set, costOf, point.costWeight);
  const points = set.scores[k]!.map((score, i) => ({ score, falseAcceptIfAccepted: labels[i]! })).filter(
    (_, i) => group === null || set.clusters?.[i] === group,
  );
  if (group !== null && points.length < (set.min_cluster_size ?? 0))
    return { threshold: Infinity, nCalibration: points.length, empiricalRisk: 0, acceptRate: 0 };
  return calibrateThreshold(points, point.riskLevel);
}
