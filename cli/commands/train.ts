/**
 * @module cli/commands/train
 * `riskgate train`: fits the margin gate on the training split and writes public/models/gate.onnx.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { trainMarginGate } from '../../core/gate/mlp.js';
import { buildGateGraph } from '../../core/gate/gate-graph.js';
import { DEFAULT_PATH_COSTS } from '../../core/routing/cost-model.js';
import { convertCheckpoint, sha256Hex } from '../local-model.js';
import { encodeOnnxModel } from '../onnx-write.js';
import { GATE_PATH, LOCAL_MODEL_ID } from '../paths.js';
import { DEFAULT_SEED, loadRoutingExperiment } from '../routing-experiment.js';

export const TRAIN_HELP = `riskgate train [--data DIR] [--seed N] [--out FILE]
  Trains the margin gate g(h, λ) ≈ Δ on stories260K prefill hidden states of RouteLLM MMLU+GSM8K
  (local = Mixtral-8x7B, edge = GPT-4) and writes it as ONNX (default public/models/gate.onnx).`;

export async function train(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } } });
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  const experiment = await loadRoutingExperiment({ ...(values.data ? { dataDir: values.data } : {}), seed, log: console.log });
  const rows = experiment.split.train;
  const started = Date.now();
  const { weights, finalLoss } = trainMarginGate(rows.map((i) => experiment.representations[i]!), (r, λ) => experiment.margin(rows[r]!, λ), { seed });
  const spec = buildGateGraph(weights, {
    representation: { modelId: LOCAL_MODEL_ID, modelSha256: convertCheckpoint().sourceSha256, kind: 'hidden_state_last', dim: experiment.dim },
    trainingDataSha256: experiment.dataSha256,
    seed,
    extra: { 'riskgate.path_costs': JSON.stringify(DEFAULT_PATH_COSTS), 'riskgate.target': 'utility margin Δ = U_local − max_edge U_m' },
  });
  const bytes = encodeOnnxModel(spec);
  const out = values.out ?? GATE_PATH;
  writeFileSync(out, bytes);
  console.log(`train: ${rows.length} rows, final MSE ${finalLoss.toFixed(4)}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`train: wrote ${out} (${bytes.byteLength} bytes, sha256 ${sha256Hex(bytes)})`);
}
