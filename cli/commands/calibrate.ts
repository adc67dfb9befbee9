/**
 * @module cli/commands/calibrate
 * `riskgate calibrate`: runs gate.onnx on the calibration split and writes one CRC threshold per
 * operating point (λ, α) to public/models/thresholds.json, with held-out test figures beside it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_MIN_CLUSTER_SIZE } from '../../core/calibration/cluster-crc.js';
import type { ClusterThresholdRow } from '../../core/calibration/cluster-table.js';
import { clusterAssigner, fitClusters } from '../evaluation/clusters.js';
import { CLUSTERS } from '../evaluation/grids.js';
import type { GateLabels, ThresholdRow, ThresholdsFile } from '../../core/calibration/threshold-table.js';
import { sha256Hex } from '../../node/local-model.js';
import { createNodeGate } from '../gate-node.js';
import { DEFAULT_DELTA, marginalRows, type ScoredPoint, selectiveRows } from './calibration-rows.js';
import { readOnnxMetadata } from '../../node/onnx-write.js';
import { GATE_PATH, THRESHOLDS_PATH } from '../../node/paths.js';
import { RouterError } from '../../core/errors.js';
import { readRepresentationsFile } from '../representations/representation-file.js';
import { writeCalibrationSet } from '../calibration-set-file.js';
import { declareWebLlmGate } from '../representations/declare-webllm-gate.js';
import {
  COST_WEIGHT_GRID,
  DEFAULT_SEED,
  RISK_LEVEL_GRID,
  loadRoutingExperiment,
  parseBrowserRepresentation,
} from '../routing-experiment.js';

export const CALIBRATE_HELP = `riskgate calibrate [--data FILE|DIR] [--config FILE] [--seed N] [--gate FILE] [--representations FILE] [--clusters K] [--out FILE] [--models-json FILE]
  Conformal risk control (on the representation the gate's metadata names) (false-acceptance loss, B = 1) on the calibration split for every
  (λ, α) in λ ∈ {${COST_WEIGHT_GRID.join(', ')}} × α ∈ {${RISK_LEVEL_GRID.join(', ')}}.
  --representations FILE: the file the gate was trained on (\`riskgate represent\`). --models-json FILE: declare the
  gate and thresholds for that file's WebLLM model in the site's models.json (created or updated; paths relative to it).
  --clusters K (default ${CLUSTERS}; 0: none) also writes per-cluster thresholds: k-means on the training split's
  representations, CRC inside each cluster (a cluster with fewer than ${DEFAULT_MIN_CLUSTER_SIZE} calibration points defers everything).`;

export async function calibrate(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      config: { type: 'string' },
      seed: { type: 'string' },
      gate: { type: 'string' },
      representations: { type: 'string' },
      out: { type: 'string' },
      'models-json': { type: 'string' },
      clusters: { type: 'string' },
      guarantee: { type: 'string' },
      delta: { type: 'string' },
      labels: { type: 'string' },
    },
  });
  const guarantee = values.guarantee ?? 'selective';
  if (guarantee !== 'selective' && guarantee !== 'marginal') {
    throw new RouterError('invalid_request', `--guarantee must be selective or marginal, not ${guarantee}`);
  }
  const delta = values.delta === undefined ? DEFAULT_DELTA : Number(values.delta);
  if (!(delta > 0 && delta < 1))
    throw new RouterError('invalid_request', `--delta must be in (0, 1), not ${values.delta}`);
  const k = values.clusters === undefined ? CLUSTERS : Number(values.clusters);
  if (!Number.isInteger(k) || k < 0 || k > 256)
    throw new RouterError('invalid_request', `--clusters must be a whole number from 0 to 256, not ${values.clusters}`);
  if (values.representations && (!values.gate || !values.out))
    throw new RouterError(
      'invalid_request',
      "--representations needs --gate FILE and --out FILE (the shipped public/models artifacts are the embedded model's)",
    );
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  const gateBytes = readFileSync(values.gate ?? GATE_PATH);
  // The thresholds are calibrated on what this gate reads, as its metadata says.
  const metadata = readOnnxMetadata(gateBytes);
  const representation = parseBrowserRepresentation(metadata['riskgate.representation.kind']);
  const experiment = await loadRoutingExperiment({
    ...(values.data ? { dataPath: values.data } : {}),
    ...(values.config ? { configPath: values.config } : {}),
    seed,
    representation,
    ...(values.representations ? { representationsPath: values.representations } : {}),
    log: console.log,
  });
  if (
    metadata['riskgate.representation.model_sha256'] !== experiment.representation.modelSha256 ||
    metadata['riskgate.representation.kind'] !== experiment.representation.kind
  ) {
    throw new RouterError(
      'artifact_mismatch',
      `the gate reads ${metadata['riskgate.representation.kind']} of ${metadata['riskgate.representation.model_id']}, but the representations are ${experiment.representation.kind} of ${experiment.representation.modelId}`,
    );
  }
  const scoreAll = await createNodeGate(gateBytes);
  const reps = (rows: number[]) => rows.map((i) => experiment.representations[i]!);
  const rows: ThresholdRow[] = [];
  const clusterRows: ClusterThresholdRow[] = [];
  // Per-cluster CRC needs clusters that can be fitted and calibrated: more training prompts than
  // clusters, and on average the minimum calibration points per cluster. An explicit --clusters
  // that the data cannot carry is an error; the default is skipped, saying why.
  const { train: trainRows, calibration: calibrationRows } = experiment.split;
  const clustersFit = trainRows.length > k && calibrationRows.length >= k * DEFAULT_MIN_CLUSTER_SIZE;
  if (k > 0 && !clustersFit) {
    const why = `${trainRows.length} training and ${calibrationRows.length} calibration prompts are too few for ${k} clusters of at least ${DEFAULT_MIN_CLUSTER_SIZE} calibration points`;
    if (values.clusters !== undefined) throw new RouterError('invalid_request', `--clusters ${k}: ${why}`);
    console.log(`calibrate: per-cluster thresholds skipped: ${why}`);
  }
  const clusterModel = k > 0 && clustersFit ? fitClusters(experiment.representations, trainRows, k, seed) : undefined;
  const clusterOf = clusterModel ? clusterAssigner(clusterModel, experiment.representations) : undefined;
  const calibrationScores = new Map<number, number[]>();
  const calibrateAt = guarantee === 'selective' ? selectiveRows : marginalRows;
  for (const costWeight of COST_WEIGHT_GRID) {
    const scored = async (split: number[]): Promise<ScoredPoint[]> => {
      const scores = await scoreAll(reps(split), costWeight);
      return split.map((row, i) => ({
        row,
        score: scores[i]!,
        falseAcceptIfAccepted: experiment.margin(row, costWeight) < 0,
        shortfall: experiment.fallsShort(row, costWeight),
        utilityGain: experiment.margin(row, costWeight),
        cluster: clusterOf ? clusterOf(row) : 0,
      }));
    };
    const calibration = await scored(experiment.split.calibration);
    calibrationScores.set(
      costWeight,
      calibration.map((p) => p.score),
    );
    const splits = {
      train: await scored(experiment.split.train),
      calibration,
      test: await scored(experiment.split.test),
    };
    for (const riskLevel of RISK_LEVEL_GRID) {
      const { row, perCluster } = calibrateAt(splits, costWeight, riskLevel, delta, clusterOf ? k : 0);
      rows.push(row);
      clusterRows.push(...perCluster);
    }
  }
  const out = values.out ?? THRESHOLDS_PATH;
  const gateSha256 = sha256Hex(gateBytes);
  // What the worker recalibrates from under live costs (decision 023).
  const calibrationSet = writeCalibrationSet(
    out,
    experiment,
    gateSha256,
    calibrationScores,
    clusterOf ? { of: clusterOf, minClusterSize: DEFAULT_MIN_CLUSTER_SIZE } : undefined,
  );
  const file: ThresholdsFile = {
    format: 'riskgate.thresholds/1',
    gate_sha256: gateSha256,
    representation: experiment.representation,
    loss: guarantee === 'selective' ? 'shortfall' : 'false_acceptance',
    guarantee,
    ...(guarantee === 'selective' ? { delta } : {}),
    ...(values.labels ? { labels: JSON.parse(readFileSync(values.labels, 'utf8')) as GateLabels } : {}),
    seed,
    data_sha256: experiment.dataSha256,
    roles: experiment.config.roles,
    cost_model: experiment.config.wireless,
    n_test: experiment.split.test.length,
    rows,
    calibration_set: { json: calibrationSet.json, sha256: calibrationSet.sha256 },
    ...(clusterModel
      ? {
          clusters: {
            k,
            min_cluster_size: DEFAULT_MIN_CLUSTER_SIZE,
            mean: Array.from(clusterModel.mean),
            std: Array.from(clusterModel.std),
            centroids: clusterModel.centroids.map((c) => Array.from(c)),
            rows: clusterRows,
          },
        }
      : {}),
  };
  writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`);
  console.table(
    rows.map((r) => ({
      λ: r.cost_weight,
      α: r.risk_level,
      τ: r.threshold,
      calRisk: r.empirical_risk,
      calAccept: r.accept_rate,
      testRisk: r.test_risk,
      testAccept: r.test_accept_rate,
    })),
  );
  console.log(
    `calibrate: ${guarantee} guarantee${guarantee === 'selective' ? ` at δ = ${delta}` : ''}; ` +
      `${rows.filter((r) => r.threshold !== '+inf').length} of ${rows.length} operating points certified`,
  );
  console.log(`calibrate: wrote ${out} and ${calibrationSet.path} (${Math.round(calibrationSet.bytes / 1024)} KB)`);
  if (values['models-json']) {
    if (!values.representations)
      throw new RouterError(
        'invalid_request',
        "--models-json declares a WebLLM model's gate: it needs --representations (from `riskgate represent`)",
      );
    declareWebLlmGate(values['models-json'], readRepresentationsFile(values.representations).header.webllm_entry, {
      gatePath: values.gate!,
      gateSha256: file.gate_sha256,
      thresholdsPath: out,
    });
    console.log(`calibrate: declared the gate in ${values['models-json']}`);
  }
}
