import { describe, expect, it } from 'vitest';
import { RouterError } from '../errors.js';
import { lookupThreshold, operatingGrid, parseThresholdsFile, type ThresholdsFile } from './threshold-table.js';

const row = (cost_weight: number, risk_level: number, threshold: number | '+inf' | '-inf') => ({
  cost_weight,
  risk_level,
  threshold,
  n_calibration: 100,
  empirical_risk: 0,
  accept_rate: 0.5,
});

const file: ThresholdsFile = parseThresholdsFile({
  format: 'riskgate.thresholds/1',
  gate_sha256: 'abc',
  loss: 'false_acceptance',
  representation: { modelId: 'm', modelSha256: 's', kind: 'hidden_state_last', dim: 4 },
  rows: [row(0, 0.05, 0.9), row(0, 0.1, 0.5), row(1, 0.05, 1.4), row(1, 0.1, '-inf')],
});

describe('threshold table lookup', () => {
  it('returns the calibrated τ on the grid, with ±inf restored', () => {
    expect(lookupThreshold(file, { costWeight: 0, riskLevel: 0.1 }).threshold).toBe(0.5);
    expect(lookupThreshold(file, { costWeight: 1, riskLevel: 0.1 }).threshold).toBe(-Infinity);
  });

  it('never promises more than calibrated: nearest λ, then the largest α ≤ the request', () => {
    expect(lookupThreshold(file, { costWeight: 0.3, riskLevel: 0.08 }).threshold).toBe(0.9);
    expect(lookupThreshold(file, { costWeight: 0.8, riskLevel: 0.5 }).threshold).toBe(-Infinity);
  });

  it('accepts nothing below the smallest calibrated α', () => {
    expect(lookupThreshold(file, { costWeight: 0, riskLevel: 0.01 })).toEqual({ threshold: Infinity, row: undefined });
  });

  it('offers the calibrated grid to a picker', () => {
    expect(operatingGrid(file)).toEqual({ costWeights: [0, 1], riskLevels: [0.05, 0.1] });
  });

  it('rejects a file that is not a thresholds table with invalid_artifact', () => {
    for (const bad of [
      null,
      {},
      { format: 'riskgate.thresholds/1', gate_sha256: 'x', rows: [] },
      { format: 'riskgate.thresholds/1', gate_sha256: 'x', rows: [{ cost_weight: 'a' }] },
    ]) {
      expect(() => parseThresholdsFile(bad)).toThrowError(RouterError);
    }
  });
});
