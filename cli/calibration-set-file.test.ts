import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCalibrationSet, recalibrate, trainingCostOf } from '../core/calibration/calibration-set.js';
import { fromJsonThreshold, parseThresholdsFile } from '../core/calibration/threshold-table.js';
import { STAND_IN_GATE_DIR } from '../node/paths.js';

// The marginal CRC table of the stand-in gate (node/paths.ts): live recalibration reruns CRC.
describe("a marginal table's calibration set", () => {
  const thresholds = parseThresholdsFile(
    JSON.parse(readFileSync(resolve(STAND_IN_GATE_DIR, 'thresholds.json'), 'utf8')),
  );
  const bytes = readFileSync(resolve(STAND_IN_GATE_DIR, thresholds.calibration_set!.json));
  const set = parseCalibrationSet(JSON.parse(bytes.toString('utf8')), thresholds.gate_sha256);

  it('is the file thresholds.json names, by sha256', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(thresholds.calibration_set!.sha256);
    expect(set.prompt_tokens.length).toBe(thresholds.rows[0]!.n_calibration);
  });

  it('under the training costs, recalibration gives every shipped τ exactly, marginal and per cluster', () => {
    for (const row of thresholds.rows) {
      expect(
        recalibrate(set, trainingCostOf(set), { costWeight: row.cost_weight, riskLevel: row.risk_level }).threshold,
      ).toBe(fromJsonThreshold(row.threshold));
    }
    for (const row of thresholds.clusters!.rows) {
      const result = recalibrate(
        set,
        trainingCostOf(set),
        { costWeight: row.cost_weight, riskLevel: row.risk_level },
        row.cluster,
      );
      expect(result.threshold).toBe(fromJsonThreshold(row.threshold));
      expect(result.nCalibration).toBe(row.n_calibration);
    }
  });
});
