/**
 * @module cli/commands/calibrate
 * `riskgate calibrate`: runs gate.onnx on the calibration split and writes one CRC threshold per
 * operating point (λ, α) to public/models/thresholds.json, with held-out test figures beside it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { calibrateThreshold, type CalibrationPoint } from '../../core/calibration/crc.js';
import { toJsonThreshold, type ThresholdRow, type ThresholdsFile } from '../../core/calibration/threshold-table.js';
import { sha256Hex } from '../../node/local-model.js';
import { createNodeGate } from '../gate-node.js';
import { readOnnxMetadata } from '../../node/onnx-write.js';
import { GATE_PATH, THRESHOLDS_PATH } from '../../node/paths.js';
import { COST_WEIGHT_GRID, DEFAULT_SEED, RISK_LEVEL_GRID, loadRoutingExperiment, parseBrowserRepresentation } from '../routing-experiment.js';

export const CALIBRATE_HELP = `riskgate calibrate [--data FILE|DIR] [--config FILE] [--seed N] [--gate FILE] [--out FILE]
  Conformal risk control (on the representation the gate's metadata names) (false-acceptance loss, B = 1) on the calibration split for every
  (λ, α) in λ ∈ {${COST_WEIGHT_GRID.join(', ')}} × α ∈ {${RISK_LEVEL_GRID.join(', ')}}.`;

export async function calibrate(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, config: { type: 'string' }, seed: { type: 'string' }, gate: { type: 'string' }, out: { type: 'string' } } });
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  const gateBytes = readFileSync(values.gate ?? GATE_PATH);
  // The thresholds are calibrated on what this gate reads, as its metadata says.
  const representation = parseBrowserRepresentation(readOnnxMetadata(gateBytes)['riskgate.representation.kind']);
  const experiment = await loadRoutingExperiment({ ...(values.data ? { dataPath: values.data } : {}), ...(values.config ? { configPath: values.config } : {}), seed, representation, log: console.log });
  const scoreAll = await createNodeGate(gateBytes);
  const reps = (rows: number[]) => rows.map((i) => experiment.representations[i]!);
  const rows: ThresholdRow[] = [];
  for (const costWeight of COST_WEIGHT_GRID) {
    const points = async (split: number[]): Promise<CalibrationPoint[]> => {
      const scores = await scoreAll(reps(split), costWeight);
      return split.map((row, i) => ({ score: scores[i]!, falseAcceptIfAccepted: experiment.margin(row, costWeight) < 0 }));
    };
    const calibration = await points(experiment.split.calibration);
    const test = await points(experiment.split.test);
    for (const riskLevel of RISK_LEVEL_GRID) {
      const result = calibrateThreshold(calibration, riskLevel);
      const accepted = test.filter((p) => p.score >= result.threshold);
      rows.push({
        cost_weight: costWeight, risk_level: riskLevel, threshold: toJsonThreshold(result.threshold),
        n_calibration: result.nCalibration, empirical_risk: round(result.empiricalRisk), accept_rate: round(result.acceptRate),
        test_risk: round(accepted.filter((p) => p.falseAcceptIfAccepted).length / test.length),
        test_accept_rate: round(accepted.length / test.length),
      });
    }
  }
  const file: ThresholdsFile = {
    format: 'riskgate.thresholds/1',
    gate_sha256: sha256Hex(gateBytes),
    representation: experiment.representation,
    loss: 'false_acceptance',
    seed,
    data_sha256: experiment.dataSha256,
    roles: experiment.config.roles,
    cost_model: experiment.config.wireless,
    n_test: experiment.split.test.length,
    rows,
  };
  const out = values.out ?? THRESHOLDS_PATH;
  writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`);
  console.table(rows.map((r) => ({ λ: r.cost_weight, α: r.risk_level, τ: r.threshold, calRisk: r.empirical_risk, calAccept: r.accept_rate, testRisk: r.test_risk, testAccept: r.test_accept_rate })));
  console.log(`calibrate: wrote ${out}`);
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
