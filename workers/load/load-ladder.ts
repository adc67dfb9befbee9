/**
 * @module load/load-ladder
 * The probe, the manifest and the fallback ladder's walk (decision 003): the first rung whose
 * engine loads is the device's. Routing also loads the shared gate and thresholds (or a declared
 * model's own); `represent` loads the engine alone, since the gate for its representation is what
 * is being trained.
 */
import { RouterError } from '../../core/errors.js';
import type { LocalEngine } from '../../core/protocol/local-engine.js';
import type { WorkerConfig } from '../../core/protocol/worker-api.js';
import type { Capabilities, MeasuredRuntime } from '../../core/protocol/capabilities.js';
import {
  isThreadsPreference,
  ladderFor,
  UNMEASURED_RUNTIME,
  wasmThreadsFor,
} from '../../core/runtime/backend-ladder.js';
import { parseTok512 } from '../../core/tokenizer/tok512.js';
import { OnnxCausalLm } from '../engine/onnx-causal-lm.js';
import { fetchBytes, fetchManifest, fetchVerified } from '../artifacts.js';
import { fetchModelsConfig, loadWebLlmEngine, loadWebLlmRung } from '../engine/webllm-rung.js';
import { ggufThreadsFor, loadGgufEngine, loadGgufRung } from '../engine/gguf-rung.js';
import type { DeclaredRung } from '../engine/declared-gate.js';
import { probePlatform } from '../capability-probe.js';
import type { KeyValueStore } from '../../core/protocol/key-value-store.js';
import type { memoizeOrtLoader } from './ort-runtimes.js';
import { loadSharedArtifacts } from './load-artifacts.js';
import { rungReason, walkLadder } from './fallback-ladder.js';
import { byteProgress, type ReportProgress } from './progress.js';

/** The ORT thread count is fixed once per worker: ORT reads numThreads when its WASM module starts. */
export type LadderDeps = {
  readonly ort: ReturnType<typeof memoizeOrtLoader>;
  readonly store: KeyValueStore;
  readonly threadsApplied: { value: { threads: number; reason: string } | undefined };
};

export type Ladder = Awaited<ReturnType<typeof loadLadder>>;

export async function loadLadder(
  deps: LadderDeps,
  config: WorkerConfig,
  report: ReportProgress,
  purpose: 'route' | 'represent',
  signal: AbortSignal,
) {
  const { ort, store, threadsApplied } = deps;
  const started = performance.now();
  if (config.threads !== undefined && !isThreadsPreference(config.threads)) {
    throw new RouterError(
      'invalid_request',
      `threads must be 'auto' or a whole number from 1 to 64, not ${JSON.stringify(config.threads)}`,
    );
  }
  const probe = await probePlatform();
  const manifest = await fetchManifest(config.modelsUrl, signal);
  report({ stage: 'manifest', loaded: 1, total: 1, text: 'manifest read' });
  const at = (path: string) => new URL(path, config.modelsUrl).href;
  const runtime = manifest.local_model.runtime;
  const measured: MeasuredRuntime = runtime
    ? { backend: runtime.backend, wasmThreads: runtime.wasm_threads }
    : UNMEASURED_RUNTIME;
  let threads = wasmThreadsFor(probe, config.threads ?? 'auto', measured);
  // ORT starts its thread workers from its own script URL, which a page cannot do cross-origin.
  if (config.crossOriginScript && threads.threads > 1)
    threads = {
      threads: 1,
      reason: `${threads.reason}, but the widget's script is on another origin (ORT cannot start its thread workers there)`,
    };
  threadsApplied.value ??= threads;
  const appliedThreads = threadsApplied.value;
  const wasmOrt = await ort('wasm');
  const shared =
    purpose === 'route'
      ? await loadSharedArtifacts(wasmOrt, manifest, config.modelsUrl, store, report, signal)
      : undefined;
  const models = await fetchModelsConfig(config.modelsUrl, signal);
  const { order, skipped } = ladderFor(
    probe,
    config.backend ?? 'auto',
    models.webllm !== undefined,
    measured,
    models.gguf !== undefined,
  );
  const ggufThreads = ggufThreadsFor(probe, config.threads ?? 'auto');

  // The ONNX model's bytes are fetched once, whichever ONNX rung uses them.
  let onnxBytes: Promise<[{ bytes: Uint8Array }, Uint8Array]> | undefined;
  const loadOnnx = async (backend: 'webgpu' | 'wasm'): Promise<LocalEngine> => {
    onnxBytes ??= Promise.all([
      fetchVerified(
        at(manifest.local_model.onnx),
        manifest.local_model.sha256,
        byteProgress(report, 'model', manifest.local_model.id),
        signal,
      ),
      fetchBytes(at(manifest.local_model.tokenizer), byteProgress(report, 'tokenizer', 'tokenizer'), signal),
    ]);
    const [model, tokenizerBytes] = await onnxBytes;
    report({ stage: 'compile', loaded: 0, total: null, text: `preparing ${manifest.local_model.id} on ${backend}` });
    return OnnxCausalLm.create(await ort(backend), model.bytes, parseTok512(tokenizerBytes), {
      modelId: manifest.local_model.id,
      backend,
      contextLength: manifest.local_model.context_length,
      executionProviders: [backend],
    });
  };
  const {
    rung,
    loaded: rungLoaded,
    failed,
  } = await walkLadder<{ engine: LocalEngine; declared?: DeclaredRung; notice?: string | null }>(
    order,
    async (candidate) => {
      if (candidate === 'gguf-wasm') {
        if (purpose === 'represent') {
          const gguf = await loadGgufEngine(models.gguf!, config.modelsUrl, ggufThreads, report, signal);
          return { engine: gguf.engine, notice: gguf.fileNotice };
        }
        const gguf = await loadGgufRung(wasmOrt, models.gguf!, config.modelsUrl, ggufThreads, store, report, signal);
        return { engine: gguf.engine, declared: gguf, notice: gguf.fileNotice };
      }
      if (candidate !== 'webllm-webgpu')
        return { engine: await loadOnnx(candidate === 'onnx-webgpu' ? 'webgpu' : 'wasm') };
      if (purpose === 'represent')
        return { engine: await loadWebLlmEngine(models.webllm!, config.modelsUrl, probe, report, signal) };
      const webllm = await loadWebLlmRung(wasmOrt, models.webllm!, config.modelsUrl, probe, store, report, signal);
      return { engine: webllm.engine, declared: webllm };
    },
  );
  const engine = rungLoaded?.engine;
  const note =
    engine && 'representationNote' in engine.info
      ? `WebLLM model configured (${String(engine.info.representationNote)})`
      : undefined;
  const chosenBecause =
    rung === 'webllm-webgpu'
      ? (note ?? 'WebLLM model configured')
      : rung === 'gguf-wasm'
        ? `GGUF model configured, ${ggufThreads.reason}`
        : config.backend === 'webgpu'
          ? 'WebGPU requested'
          : config.backend === 'wasm'
            ? 'WASM requested'
            : `measured default for this model (${runtime?.measured ?? 'decision 003'})`;
  const reason = rungReason(rung, failed, chosenBecause);
  const capabilities: Capabilities = Object.freeze({
    ...probe,
    rung,
    reason,
    skipped: Object.freeze([...skipped, ...failed]),
    ...(rung === 'gguf-wasm'
      ? { wasmThreads: ggufThreads.threads, wasmThreadsReason: `llama.cpp: ${ggufThreads.reason}` }
      : { wasmThreads: appliedThreads.threads, wasmThreadsReason: appliedThreads.reason }),
  });
  report({ stage: 'ready', loaded: 1, total: 1, text: `ready: ${rung}` });
  return {
    engine,
    declared: rungLoaded?.declared,
    fileNotice: rungLoaded?.notice ?? null,
    shared,
    capabilities,
    reason,
    started,
  };
}
