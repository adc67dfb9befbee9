/**
 * @module cli/calibration-set-file
 * Writes what the worker needs to recalibrate under live costs (core/calibration/calibration-set.ts)
 * beside thresholds.json: the calibration split's scores per λ, recorded qualities, answer lengths,
 * prices and training costs, and the edge models' latency profiles. thresholds.json names it with
 * its sha256, so the manifest's hash of thresholds.json covers it too.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { CalibrationSetFile } from '../core/calibration/calibration-set.js';
import type { RoutingExperiment } from './routing-experiment.js';

/** `x/thresholds.json` → `x/thresholds.calibration-set.json`. */
export const calibrationSetPathFor = (thresholdsPath: string) =>
  resolve(dirname(thresholdsPath), `${basename(thresholdsPath, '.json')}.calibration-set.json`);

const roundTo = (digits: number) => (x: number) => Number(x.toPrecision(digits));
/** The gate's scores are float32: 9 significant digits name each one exactly (the reader applies Math.fround). */
const f32 = roundTo(9);

export function writeCalibrationSet(
  thresholdsPath: string,
  experiment: RoutingExperiment,
  gateSha256: string,
  scores: ReadonlyMap<number, readonly number[]>,
  clusters?: { /** A dataset row's cluster. */ of: (row: number) => number; minClusterSize: number },
): { path: string; json: string; sha256: string; bytes: number } {
  const rows = experiment.split.calibration;
  const { table, config } = experiment;
  const column = (values: ArrayLike<number>, map: (x: number) => number = (x) => x) =>
    rows.map((row) => map(values[row]!));
  const file: CalibrationSetFile = {
    format: 'riskgate.calibration-set/1',
    gate_sha256: gateSha256,
    cost_weights: [...scores.keys()],
    prompt_tokens: column(table.promptTokens),
    models: table.models.map((id, m) => ({
      id,
      quality: rows.map((row) => (Number.isNaN(table.quality[m]![row]!) ? null : table.quality[m]![row]!)),
      output_tokens: column(table.outputTokens[m]!),
      usd: column(table.usd[m]!, roundTo(6)),
      training_cost: column(table.cost[m]!, roundTo(9)),
      ...(m > 0 ? { profile: pickProfile(config.profiles[id] ?? config.defaultProfile) } : {}),
    })),
    scores: [...scores.values()].map((s) => s.map(f32)),
    ...(clusters ? { clusters: rows.map((row) => clusters.of(row)), min_cluster_size: clusters.minClusterSize } : {}),
  };
  const path = calibrationSetPathFor(thresholdsPath);
  const json = `${JSON.stringify(file)}\n`;
  writeFileSync(path, json);
  return { path, json: basename(path), sha256: createHash('sha256').update(json).digest('hex'), bytes: json.length };
}

const pickProfile = (p: { ttftOverheadS: number; prefillTokensPerS: number; decodeTokensPerS: number }) => ({
  ttftOverheadS: p.ttftOverheadS,
  prefillTokensPerS: p.prefillTokensPerS,
  decodeTokensPerS: p.decodeTokensPerS,
});
