/**
 * @module cli/commands/train
 * `riskgate train`: fits the margin gate and the edge selector on the training split and writes
 * public/models/gate.onnx and public/models/selector.onnx.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { trainMarginGate } from '../../core/gate/mlp.js';
import { buildGateGraph } from '../../core/gate/gate-graph.js';
import { buildSelectorGraph } from '../../core/gate/selector-graph.js';
import { RouterError } from '../../core/errors.js';
import { sha256Hex } from '../../node/local-model.js';
import { encodeOnnxModel } from '../../node/onnx-write.js';
import { GATE_PATH, SELECTOR_PATH } from '../../node/paths.js';
import { MAX_COST_WEIGHT } from '../evaluation/predictors.js';
import { DEFAULT_SEED, loadRoutingExperiment, parseBrowserRepresentation } from '../routing-experiment.js';

export const TRAIN_HELP = `riskgate train [--data FILE|DIR] [--config FILE] [--seed N] [--representation hidden_state_last|logit_sketch | --representations FILE] [--out FILE] [--selector-out FILE]
  Trains the margin gate g(h, λ) ≈ Δ(x, ξ; λ) (λ ~ U[0, ${MAX_COST_WEIGHT}]) on stories260K prefill hidden states
  (or, with --representation logit_sketch, the count-sketch of its logits: for a model without hidden_states) of
  the first suite of --data (default ../shared/data: RouteLLM MMLU+GSM8K, device Mixtral-8x7B, edge
  GPT-4) under the cost model of docs/science.md, and one quality predictor per recorded model for the edge
  selector. Writes public/models/gate.onnx and public/models/selector.onnx.
  --representations FILE: train on another model's representations, as \`riskgate represent\` read them in the
  browser (a gate for a WebLLM model); only the gate is written then (to --out), and the selector only with
  --selector-out.`;

export async function train(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      config: { type: 'string' },
      seed: { type: 'string' },
      representation: { type: 'string' },
      representations: { type: 'string' },
      out: { type: 'string' },
      'selector-out': { type: 'string' },
    },
  });
  const fromFile = values.representations;
  // The shipped gate and selector are stories260K's; a gate for another model must not overwrite them by default.
  if (fromFile && !values.out)
    throw new RouterError(
      'invalid_request',
      "--representations needs --out FILE (the gate for that model; public/models/gate.onnx is the embedded model's)",
    );
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  const representation = parseBrowserRepresentation(values.representation);
  const experiment = await loadRoutingExperiment({
    ...(values.data ? { dataPath: values.data } : {}),
    ...(values.config ? { configPath: values.config } : {}),
    seed,
    representation,
    ...(fromFile ? { representationsPath: fromFile } : {}),
    log: console.log,
  });
  const rows = experiment.split.train;
  const reps = rows.map((i) => experiment.representations[i]!);
  const provenance = { representation: experiment.representation, trainingDataSha256: experiment.dataSha256, seed };
  const started = Date.now();
  const { weights, finalLoss } = trainMarginGate(reps, (r, λ) => experiment.margin(rows[r]!, λ), {
    seed,
    maxCostWeight: MAX_COST_WEIGHT,
  });
  const gate = encodeOnnxModel(
    buildGateGraph(weights, {
      ...provenance,
      extra: {
        'riskgate.cost_model': JSON.stringify(experiment.config.wireless),
        'riskgate.roles': JSON.stringify(experiment.config.roles),
        'riskgate.target': 'utility margin Δ = U_local − max_edge U_m',
      },
    }),
  );
  writeFileSync(values.out ?? GATE_PATH, gate);
  console.log(
    `train: gate on ${rows.length} rows, final MSE ${finalLoss.toFixed(4)}, ${((Date.now() - started) / 1000).toFixed(1)} s → ${values.out ?? GATE_PATH} (sha256 ${sha256Hex(gate)})`,
  );

  if (fromFile && !values['selector-out']) return;
  const { table } = experiment;
  const selectorModels = table.models.map((id, m) => {
    const labelled = rows.filter((row) => !Number.isNaN(table.quality[m]![row]!));
    return {
      id,
      weights: trainMarginGate(
        labelled.map((i) => experiment.representations[i]!),
        (r) => table.quality[m]![labelled[r]!]!,
        { seed, maxCostWeight: 0 },
      ).weights,
    };
  });
  const selector = encodeOnnxModel(buildSelectorGraph(selectorModels, provenance));
  writeFileSync(values['selector-out'] ?? SELECTOR_PATH, selector);
  console.log(
    `train: selector for ${selectorModels.map((m) => m.id).join(', ')} → ${values['selector-out'] ?? SELECTOR_PATH} (sha256 ${sha256Hex(selector)})`,
  );
}
