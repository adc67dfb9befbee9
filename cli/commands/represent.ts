/**
 * @module cli/commands/represent
 * `riskgate represent`: the representation of every prompt of a dataset as a declared model gives
 * it in the browser (issue 13), for training that model's gate with `train`/`calibrate
 * --representations`. Cached per prompt and resumable (represent-cache.ts); a progress bar with an
 * ETA on a terminal, a line every 10 s otherwise.
 */
import { resolve } from 'node:path';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { RouterError } from '../../core/errors.js';
import type { RepresentationInfo } from '../../core/gate/gate-graph.js';
import { CACHE_DIR, REPO_ROOT } from '../../node/paths.js';
import { LOGIT_SKETCH_SEED } from '../representations/local-model-pass.js';
import { datasetSha256 } from '../representations/representations.js';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';
import type { EngineStatus } from '../../core/protocol/tooling-api.js';
import { startBrowserRepresenter, type BrowserRepresenterOptions } from '../representations/browser-representer.js';
import { readDeclaredModel, type DeclaredModel } from '../representations/declared-model.js';
import { openRepresentCache, type RepresentCache } from '../representations/represent-cache.js';
import {
  promptSha256,
  writeRepresentationsFile,
  REPRESENTATIONS_FORMAT,
} from '../representations/representation-file.js';
import { loadRoutingRecords } from '../routing-experiment.js';

export const DEFAULT_REPRESENT_PORT = 47_717;

export const REPRESENT_HELP = `riskgate represent --models-url URL --out FILE [--data FILE|DIR] [--config FILE] [--sketch-dim N] [--backend auto|webgpu|wasm] [--widget DIR] [--port N] [--profile DIR] [--cache DIR]
  Reads every prompt of --data (its first suite, the roles of --config) through the widget's own worker
  and engine in headless Chromium, with the models folder at URL (its models.json WebLLM model, else the
  manifest's ONNX model): one prefill each, keeping what the gate for that model reads (the hidden state
  where the engine exposes it, else a --sketch-dim-wide count-sketch of the logits; default: the model's
  hidden size). Writes FILE (${REPRESENTATIONS_FORMAT}) for train and calibrate --representations.
  Each prompt is cached as soon as it is read (--cache, default .cache/represent/): a stopped run resumes
  where it stopped, and a run whose prompts are all cached does not start the browser.
  --widget: the built widget to run (default dist/, from npm run build). --port: the page's fixed local
  port (default ${DEFAULT_REPRESENT_PORT}; web-llm's cached weights are keyed by it). --profile: Chromium's profile
  (default <cache>/chromium), where web-llm keeps the downloaded weights.`;

export async function represent(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'models-url': { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      config: { type: 'string' },
      'sketch-dim': { type: 'string' },
      backend: { type: 'string' },
      widget: { type: 'string' },
      port: { type: 'string' },
      profile: { type: 'string' },
      cache: { type: 'string' },
    },
  });
  const modelsUrl = values['models-url'];
  if (!modelsUrl || !/^https?:\/\//.test(modelsUrl))
    throw new RouterError(
      'invalid_request',
      '--models-url must be the http(s) URL of the folder the widget loads its models from',
    );
  if (!values.out) throw new RouterError('invalid_request', '--out FILE is required');
  const backend = values.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'webgpu' && backend !== 'wasm')
    throw new RouterError('invalid_request', `--backend must be auto, webgpu or wasm, not ${backend}`);
  const widgetDir = resolve(values.widget ?? resolve(REPO_ROOT, 'dist'));
  if (!existsSync(resolve(widgetDir, 'riskgate-chat.js')))
    throw new RouterError(
      'invalid_request',
      `${widgetDir} holds no built widget (riskgate-chat.js): run npm run build, or pass --widget DIR`,
    );
  const port = values.port === undefined ? DEFAULT_REPRESENT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new RouterError('invalid_request', `--port must be a port number, not ${values.port}`);

  const { records } = loadRoutingRecords({
    ...(values.data ? { dataPath: values.data } : {}),
    ...(values.config ? { configPath: values.config } : {}),
  });
  if (records.length === 0) throw new RouterError('invalid_request', 'no prompts to represent');
  const declared = await readDeclaredModel(modelsUrl);
  const sketchDim = values['sketch-dim'] === undefined ? declared.hiddenSize : Number(values['sketch-dim']);
  if (!Number.isInteger(sketchDim) || sketchDim < 1)
    throw new RouterError(
      'invalid_request',
      `--sketch-dim must be a whole number ≥ 1${values['sketch-dim'] === undefined ? ` (the models folder does not give ${declared.modelId}'s hidden size to default to)` : ''}`,
    );
  console.log(
    `represent: ${records.length} prompts, model ${declared.modelId} (${declared.kind}, identity ${declared.identitySha256.slice(0, 12)}) from ${modelsUrl}`,
  );

  const cacheDir = resolve(values.cache ?? resolve(CACHE_DIR, 'represent'));
  const keys = records.map((r) => promptSha256(r.prompt));
  const cacheFor = (kind: RepresentationKindRead, dim: number) =>
    openRepresentCache(resolve(cacheDir, `${declared.identitySha256.slice(0, 16)}-${kind}-${dim}.jsonl`), dim);
  const dimFor = (engine: EngineSeen) =>
    engine.representation === 'hidden_state_last' ? engine.hiddenSize : sketchDim;
  // What this model's engine gave last time: when every prompt is cached, the browser is not needed.
  const seenPath = resolve(cacheDir, `${declared.identitySha256.slice(0, 16)}.engine.json`);
  const seen = existsSync(seenPath) ? (JSON.parse(readFileSync(seenPath, 'utf8')) as EngineSeen) : undefined;
  let engine = seen;
  const seenCache = seen ? cacheFor(seen.representation, dimFor(seen)) : undefined;
  if (!seenCache || keys.some((k) => !seenCache.get(k))) {
    engine = await readInBrowser({
      records,
      keys,
      declared,
      cacheFor,
      dimFor,
      options: {
        modelsUrl,
        widgetDir,
        port,
        backend,
        sketchDim,
        profileDir: resolve(values.profile ?? resolve(cacheDir, 'chromium')),
      },
    });
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(seenPath, JSON.stringify(engine));
  } else {
    console.log(
      `represent: all ${keys.length} prompts are cached for ${engine!.model} (${engine!.representation}); the browser was not started`,
    );
  }
  const { representation: kind } = engine!;
  const dim = dimFor(engine!);
  const cache = cacheFor(kind, dim);
  const rows = keys.map((k) => cache.get(k)!);
  const info: RepresentationInfo = {
    modelId: kind === 'logit_sketch' ? `${declared.modelId}+count-sketch(seed ${LOGIT_SKETCH_SEED})` : declared.modelId,
    modelSha256: declared.identitySha256,
    kind,
    dim,
  };
  const truncated = rows.filter((r) => r.truncatedTokens > 0).length;
  writeRepresentationsFile(
    values.out,
    {
      format: REPRESENTATIONS_FORMAT,
      representation: info,
      prompt_sha256: keys,
      data_sha256: datasetSha256(records),
      models_url: modelsUrl,
      ...(declared.webllmEntry ? { webllm_entry: declared.webllmEntry } : {}),
      engine: engine!,
      truncated_prompts: truncated,
    },
    rows.map((r) => r.vector),
  );
  console.log(
    `represent: wrote ${values.out} (${rows.length} × ${dim} ${kind}; ${truncated} prompts were longer than the model's window and read from their end)`,
  );
}

type RepresentationKindRead = 'hidden_state_last' | 'logit_sketch';
type EngineSeen = EngineStatus['engine'] & { readonly rung: string; readonly reason: string };

async function readInBrowser(job: {
  records: readonly RoutingRecord[];
  keys: readonly string[];
  declared: DeclaredModel;
  cacheFor: (kind: RepresentationKindRead, dim: number) => RepresentCache;
  dimFor: (engine: EngineSeen) => number;
  options: Omit<BrowserRepresenterOptions, 'onProgress'>;
}): Promise<EngineSeen> {
  const representer = await startBrowserRepresenter({
    ...job.options,
    onProgress: (p) => {
      if (process.stdout.isTTY && (p.stage === 'model' || p.stage === 'compile'))
        process.stdout.write(`\r  loading: ${p.text.slice(0, 100).padEnd(100)}`);
    },
  });
  try {
    const { engine, capabilities } = representer.status;
    if (process.stdout.isTTY) process.stdout.write('\n');
    // The browser walks the same fallback ladder as the widget: a model that failed to load would
    // leave another one reading the prompts, and a gate for the wrong model.
    if (engine.model !== job.declared.modelId) {
      throw new RouterError(
        'engine_failed',
        `the browser loaded ${engine.model} (${capabilities.rung}), not ${job.declared.modelId}: ${capabilities.reason}`,
      );
    }
    const seen: EngineSeen = { ...engine, rung: capabilities.rung, reason: capabilities.reason };
    const cache = job.cacheFor(engine.representation, job.dimFor(seen));
    console.log(
      `represent: ${engine.model} on ${capabilities.rung} gives ${engine.representation} (${job.dimFor(seen)}-d)${engine.representationNote ? `: ${engine.representationNote}` : ''}`,
    );
    const todo = job.records.map((_, i) => i).filter((i) => !cache.get(job.keys[i]!));
    console.log(
      `represent: ${job.records.length - todo.length} prompts cached in ${cache.path}, ${todo.length} to read`,
    );
    await readAll(todo, async (i) => {
      const r = await representer.represent(job.records[i]!.prompt);
      cache.put(job.keys[i]!, { vector: r.vector, tokenCount: r.tokenCount, truncatedTokens: r.truncatedTokens });
    });
    return seen;
  } finally {
    await representer.close();
  }
}

/** One prompt at a time (the worker has one engine); a bar with an ETA on a terminal, else a line every 10 s. */
async function readAll(todo: readonly number[], readOne: (i: number) => Promise<void>): Promise<void> {
  if (todo.length === 0) return;
  const bar = process.stdout.isTTY
    ? new SingleBar(
        { format: 'represent [{bar}] {value}/{total} prompts | ETA {eta_formatted} | {rate}/min' },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(todo.length, 0, { rate: '-' });
  const started = Date.now();
  let lastLine = started;
  for (const [done, i] of todo.entries()) {
    await readOne(i);
    const elapsedS = (Date.now() - started) / 1000;
    const rate = (done + 1) / elapsedS;
    bar?.update(done + 1, { rate: (rate * 60).toFixed(1) });
    if (!bar && (Date.now() - lastLine > 10_000 || done + 1 === todo.length)) {
      lastLine = Date.now();
      console.log(
        `represent: ${done + 1}/${todo.length} prompts, ${elapsedS.toFixed(0)} s, ETA ${((todo.length - done - 1) / rate).toFixed(0)} s`,
      );
    }
  }
  bar?.stop();
}
