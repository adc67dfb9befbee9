/**
 * @module e2e/webllm/webllm-site
 * What the real-runtime tests serve on loopback: the widget built against web-llm 0.2.79 (with
 * the probe), the harness page, and a models folder that declares one WebLLM model the way a site
 * owner would (`models.json`): its random weights from the cache, its compiled library read from
 * ../shared/webllm-kit/libs, and a seeded random gate on that model's representation.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import sirv from 'sirv';
import { build } from 'vite';
import { buildGateGraph, type RepresentationInfo } from '../../core/gate/gate-graph.js';
import { encodeOnnxModel } from '../../node/onnx-write.js';
import { REPO_ROOT, SHARED_DIR, THRESHOLDS_PATH } from '../../node/paths.js';
import { generateRandomModel, webLlmCacheDir } from '../../testing/webllm-random-model.js';
import { webLlmTestBuildConfig } from './vite.webllm.config.js';

export const KIT_LIBS = resolve(SHARED_DIR, 'webllm-kit/libs');
export const QWEN2 = {
  id: 'qwen2-rand',
  lib: 'Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm',
  hiddenSize: 896,
  representation: { kind: 'logit_sketch', dim: 64 },
} as const;
export const TINYLLAMA = {
  id: 'tinyllama-rand',
  lib: 'TinyLlama-1.1B-Chat-v0.4-q0f32-ctx2k_cs1k-webgpu.wasm',
  hiddenSize: 2048,
  vocab: 512,
  representation: { kind: 'hidden_state_last', dim: 2048 },
} as const;
type KitModel = typeof QWEN2 | typeof TINYLLAMA;

/** A seeded random margin gate on the model's representation, with the shipped thresholds rebound to it. */
function writeGate(dir: string, model: KitModel): { sha256: string } {
  const d = model.representation.dim;
  const k = 4;
  let s = 1;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.1;
  const representation: RepresentationInfo = {
    modelId: model.representation.kind === 'logit_sketch' ? `${model.id}+count-sketch(seed 1)` : model.id,
    modelSha256: 'random-weights',
    kind: model.representation.kind,
    dim: d,
  };
  const bytes = encodeOnnxModel(
    buildGateGraph(
      {
        inputDim: d,
        hiddenDim: k,
        mean: new Float32Array(d),
        std: new Float32Array(d).fill(1),
        w1: Float32Array.from({ length: (d + 1) * k }, rnd),
        b1: new Float32Array(k),
        w2: Float32Array.from({ length: k }, rnd),
        b2: 0,
      },
      { representation, trainingDataSha256: 'none', seed: 1 },
    ),
  );
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'gate.onnx'), bytes);
  const thresholds = JSON.parse(readFileSync(THRESHOLDS_PATH, 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'thresholds.json'), JSON.stringify({ ...thresholds, gate_sha256: sha256, representation }));
  return { sha256 };
}

export type WebLlmSite = { readonly url: string; readonly buildDir: string; close(): Promise<void> };

/** The models.json entry a site owner writes for the kit model: relative URLs, gate and thresholds added once trained. */
export const kitModelEntry = (model: KitModel) => ({
  model_id: model.id,
  model: `${model.id}/resolve/main/`,
  model_lib: `libs/${model.lib}`,
  context_length: 1024,
  hidden_size: model.hiddenSize,
});

/**
 * Generates (or reuses) the weights, builds the widget against 0.2.79, and serves it all. The
 * site's models folder is `modelsDir` when given (the test writes its models.json there), else a
 * folder declaring the model with a seeded random gate; files it lacks come from the build's own
 * models folder (the manifest).
 */
export async function startWebLlmSite(
  model: KitModel,
  log: (line: string) => void = () => {},
  options: { modelsDir?: string } = {},
): Promise<WebLlmSite> {
  const cache = webLlmCacheDir();
  const weightsDir = join(cache, model.id, 'resolve', 'main');
  const generated = generateRandomModel(
    join(KIT_LIBS, model.lib),
    weightsDir,
    'vocab' in model ? { vocab: model.vocab } : {},
  );
  log(
    `${model.id}: ${(generated.bytes / 1e6).toFixed(0)} MB of weights ${generated.reused ? 'reused' : 'generated'} in ${weightsDir}`,
  );
  const buildDir = join(cache, 'widget-0.2.79');
  await build(webLlmTestBuildConfig(buildDir));
  let modelsDir = options.modelsDir;
  if (!modelsDir) {
    modelsDir = join(cache, `${model.id}-site`);
    const gate = writeGate(join(modelsDir, `${model.id}-gate`), model);
    writeFileSync(
      join(modelsDir, 'models.json'),
      JSON.stringify({
        format: 'riskgate.models/1',
        webllm: {
          ...kitModelEntry(model),
          gate: { onnx: `${model.id}-gate/gate.onnx`, sha256: gate.sha256 },
          thresholds: { json: `${model.id}-gate/thresholds.json` },
        },
      }),
    );
  }
  const mounts: [string, ReturnType<typeof sirv>][] = [
    [`/models/${model.id}/resolve/main/`, sirv(weightsDir, { dev: true })],
    ['/models/libs/', sirv(KIT_LIBS, { dev: true })],
    ['/models/', sirv(modelsDir, { dev: true })],
    ['/', sirv(buildDir, { dev: true })],
  ];
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const path = new URL(url, 'http://x').pathname;
    if (path === '/e2e/harness.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(readFileSync(resolve(REPO_ROOT, 'e2e/harness.html')));
      return;
    }
    // The first mount that has the file serves it.
    const serveFrom = (i: number): void => {
      const mount = mounts.slice(i).findIndex(([p]) => path.startsWith(p));
      if (mount < 0) {
        res.writeHead(404);
        res.end('not found');
        return;
      }
      const [prefix, files] = mounts[i + mount]!;
      req.url = `/${url.slice(prefix.length)}`;
      files(req, res, () => serveFrom(i + mount + 1));
    };
    serveFrom(0);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    buildDir,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
