/**
 * @module cli/commands/fit
 * `riskgate fit`: a gate for the model you deploy, in one command (issue 22). Answers a prompt set
 * with the deployed local model the way the widget does (cli/fit/answer-prompts.ts), labels each
 * prompt from the two graded answers, writes the routing dataset, trains the gate on the
 * representations of the very prefill each answer was decoded from, calibrates the selective
 * guarantee, and writes a report. thresholds.json names the model whose answers made the labels.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RouterError } from '../../core/errors.js';
import { parseThresholdsFile, type GateLabels } from '../../core/calibration/threshold-table.js';
import {
  CACHE_DIR,
  GATE_PATH,
  LOCAL_MODEL_ID,
  MODELS_DIR,
  REPO_ROOT,
  SHARED_DIR,
  THRESHOLDS_PATH,
} from '../../node/paths.js';
import { LlamaCppEngine } from '../../node/llama-cpp-engine.js';
import type { LocalEngine } from '../../core/protocol/local-engine.js';
import type { RepresentationInfo } from '../../core/gate/gate-graph.js';
import { LOGIT_SKETCH_SEED } from '../../core/representation/count-sketch.js';
import { LOG_PROBABILITY_FLOOR } from '../../core/representation/log-probabilities.js';
import { createRepresentationReader } from '../../workers/gate/representation-reader.js';
import { CATALOGUE, GGUF_SKETCH_DIM } from '../../node/models/catalogue.js';
import { fetchModelFile } from '../../node/models/model-files.js';
import { createNodeEngine } from '../../node/local-model.js';
import { createNodeGate } from '../gate-node.js';
import { representationInfo } from '../representations/representations.js';
import { COST_WEIGHT_GRID, DEFAULT_SEED, loadRoutingExperiment } from '../routing-experiment.js';
import { answerPrompts } from '../fit/answer-prompts.js';
import { readFitPrompts, writeFitPrompts } from '../fit/fit-prompts.js';
import { sharedFitPrompts } from '../fit/gold-answers.js';
import { writeFitDataset } from '../fit/fit-dataset.js';
import { heldOutAuc, renderFitReport, taskFigures, type FitReport } from '../fit/fit-report.js';
import { train } from './train.js';
import { calibrate } from './calibrate.js';

export const FIT_HELP = `riskgate fit [--prompts FILE.jsonl | --data DIR --per-task N] [--gguf NAME] [--edge URL]
             [--max-tokens N] [--gate FILE] [--thresholds FILE] [--report DIR] [--work DIR] [--seed N] [--delta D]
  Fits the gate to the model that answers. Each prompt is answered by the deployed local model as the widget
  does (its template, history window and max-tokens; one prefill gives the representation and the answer),
  the edge answers (--edge: a riskgate proxy or any OpenAI-compatible server; default: the prompt's recorded
  edge answer), a grader labels both against the gold answer, then train and calibrate (selective guarantee).
  --prompts: JSONL {id, task, messages, gold?, grader?, edge?}; --data: the shared routing data, gold answers
  inferred (GSM8K, arc-challenge, winogrande, MMLU), at most --per-task prompts of each (default 400).
  --gguf NAME: fit the fetched GGUF chat model (\`riskgate models fetch NAME\`) instead of the embedded ${LOCAL_MODEL_ID},
  answering with native llama.cpp and the browser's template, tokenizer and logit sketch; writes into its models folder.
  Writes --gate (default public/models/gate.onnx), --thresholds (default public/models/thresholds.json), and
  the report (report.md, report.json) to --report (default docs/results/fit/<model>). Cached in --work, resumable.`;

export async function fit(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      prompts: { type: 'string' },
      data: { type: 'string' },
      'per-task': { type: 'string' },
      model: { type: 'string' },
      edge: { type: 'string' },
      'max-tokens': { type: 'string' },
      gate: { type: 'string' },
      thresholds: { type: 'string' },
      report: { type: 'string' },
      work: { type: 'string' },
      seed: { type: 'string' },
      delta: { type: 'string' },
      gguf: { type: 'string' },
    },
  });
  if (values.model && values.model !== LOCAL_MODEL_ID) {
    throw new RouterError(
      'invalid_request',
      `--model ${values.model}: fit runs the embedded ${LOCAL_MODEL_ID}, or a fetched GGUF model with --gguf NAME`,
    );
  }
  const answerer = await createAnswerer(values.gguf);
  const model = answerer.name;
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  const maxTokens = Number(values['max-tokens'] ?? 96);
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > 4096) {
    throw new RouterError(
      'invalid_request',
      `--max-tokens must be a whole number from 1 to 4096, not ${values['max-tokens']}`,
    );
  }
  const work = resolve(values.work ?? resolve(CACHE_DIR, 'fit', model));
  mkdirSync(work, { recursive: true });
  const prompts = values.prompts
    ? readFitPrompts(values.prompts)
    : (() => {
        const perTask = Number(values['per-task'] ?? 400);
        const shared = sharedFitPrompts(resolve(values.data ?? resolve(SHARED_DIR, 'data')), perTask, seed);
        console.log(`fit: gold answers: ${JSON.stringify(shared.report)}`);
        writeFitPrompts(resolve(work, 'prompts.jsonl'), shared.prompts);
        return shared.prompts;
      })();
  if (prompts.length === 0) throw new RouterError('invalid_request', 'the prompt set is empty');

  const { engine, representation } = answerer;
  const answered = await answerPrompts(prompts, {
    engine,
    represent: createRepresentationReader(representation, engine.info),
    representationId: `${representation.kind}/${representation.dim}/${representation.kind === 'logit_sketch' ? `floor ${LOG_PROBABILITY_FLOOR}` : ''}`,
    modelSha256: representation.modelSha256,
    maxTokens,
    cachePath: resolve(work, 'answers.jsonl'),
    log: console.log,
    ...(values.edge ? { edgeUrl: values.edge } : {}),
  });

  const files = {
    data: resolve(work, 'dataset.jsonl'),
    representations: resolve(work, 'representations.bin'),
    roles: resolve(work, 'roles.json'),
  };
  const wireless = deviceSpeeds();
  const counts = writeFitDataset(prompts, answered, model, representation, wireless, files);
  console.log(
    `fit: ${counts.gated} prompts gated, ${counts.contextDeferred} deferred for length, ${counts.unlabelled} unlabelled`,
  );
  if (counts.gated < 20)
    throw new RouterError('invalid_request', `only ${counts.gated} prompts can label the gate; give more prompts`);

  const gatePath = values.gate ?? answerer.gatePath;
  const thresholdsPath = values.thresholds ?? answerer.thresholdsPath;
  const labels: GateLabels = {
    local_model: engine.info.model,
    local_model_sha256: representation.modelSha256,
    edge_models: counts.edgeModels,
    graders: [...new Set(prompts.map((p) => p.grader ?? 'judge'))].sort(),
    prompts: counts.gated,
    max_tokens: maxTokens,
    context_length: engine.info.contextLength,
  };
  const labelsPath = resolve(work, 'labels.json');
  writeFileSync(labelsPath, `${JSON.stringify(labels)}\n`);
  const common = [
    '--data',
    files.data,
    '--config',
    files.roles,
    '--representations',
    files.representations,
    '--seed',
    String(seed),
  ];
  await train([...common, '--out', gatePath]);
  await calibrate([
    ...common,
    '--gate',
    gatePath,
    '--out',
    thresholdsPath,
    '--labels',
    labelsPath,
    ...(values.delta ? ['--delta', values.delta] : []),
  ]);

  const thresholds = parseThresholdsFile(JSON.parse(readFileSync(thresholdsPath, 'utf8')));
  const auc = await testAuc(files, seed, gatePath);
  const report: FitReport = {
    model,
    edgeModels: counts.edgeModels,
    maxTokens,
    tasks: taskFigures(answered),
    gated: counts.gated,
    auc,
    certified: { points: thresholds.rows.filter((r) => r.threshold !== '+inf').length, of: thresholds.rows.length },
    guarantee: thresholds.guarantee ?? 'marginal',
    delta: thresholds.delta ?? null,
    rows: thresholds.rows,
  };
  const reportDir = resolve(values.report ?? resolve(REPO_ROOT, 'docs/results/fit', model));
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(resolve(reportDir, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(
    resolve(reportDir, 'report.md'),
    renderFitReport(report, `npm run riskgate -- fit ${argv.join(' ')}`.trim()),
  );
  console.log(
    `fit: ${report.certified.points} of ${report.certified.of} operating points certified; report in ${reportDir}`,
  );
  await answerer.dispose();
}

/** The embedded ONNX model (hidden state), or a fetched GGUF model on native llama.cpp (logit sketch). */
async function createAnswerer(gguf: string | undefined) {
  if (!gguf) {
    return {
      name: LOCAL_MODEL_ID,
      engine: (await createNodeEngine()) as LocalEngine,
      representation: representationInfo('hidden_state_last'),
      gatePath: GATE_PATH,
      thresholdsPath: THRESHOLDS_PATH,
      dispose: async () => undefined,
    };
  }
  const entry = CATALOGUE[gguf];
  if (!entry)
    throw new RouterError(
      'invalid_request',
      `--gguf ${gguf}: unknown model; known: ${Object.keys(CATALOGUE).join(', ')}`,
    );
  const engine = await LlamaCppEngine.create({
    modelPath: await fetchModelFile(entry),
    modelId: entry.modelId,
    contextLength: entry.contextLength,
  });
  const representation: RepresentationInfo = {
    modelId: `${entry.modelId}+count-sketch(seed ${LOGIT_SKETCH_SEED})`,
    modelSha256: entry.sha256,
    kind: 'logit_sketch',
    dim: GGUF_SKETCH_DIM,
  };
  const folder = resolve(MODELS_DIR, entry.name);
  return {
    name: entry.name,
    engine: engine as LocalEngine,
    representation,
    gatePath: resolve(folder, 'gate.onnx'),
    thresholdsPath: resolve(folder, 'thresholds.json'),
    dispose: () => engine.dispose(),
  };
}

/** The device speeds the cost model prices the local path at: the browser's, measured (device-profile). */
function deviceSpeeds(): Record<string, number> {
  const profile = JSON.parse(readFileSync(resolve(REPO_ROOT, 'docs/results/device-profile/wasm-1.json'), 'utf8')) as {
    wireless: Record<string, number>;
  };
  return profile.wireless;
}

async function testAuc(
  files: { data: string; representations: string; roles: string },
  seed: number,
  gatePath: string,
) {
  const experiment = await loadRoutingExperiment({
    dataPath: files.data,
    configPath: files.roles,
    representationsPath: files.representations,
    seed,
  });
  const scoreAll = await createNodeGate(readFileSync(gatePath));
  const test = experiment.split.test;
  const auc: { costWeight: number; auc: number | null }[] = [];
  for (const costWeight of COST_WEIGHT_GRID) {
    const scores = await scoreAll(
      test.map((i) => experiment.representations[i]!),
      costWeight,
    );
    auc.push({
      costWeight,
      auc: heldOutAuc(
        Array.from(scores),
        test.map((row) => !experiment.fallsShort(row, costWeight)),
      ),
    });
  }
  return auc;
}
