/**
 * @module engine/gguf-rung
 * The GGUF rung of the fallback ladder (below WebLLM, above ONNX): a GGUF chat model declared in
 * `models.json`, run by llama.cpp compiled to WebAssembly, with the gate and thresholds fitted to
 * that model's own answers. wllama and its WASM builds are loaded only when this rung is tried.
 * Threads need cross-origin isolation (SharedArrayBuffer); without it the single-thread build runs.
 */
import { RouterError } from '../../core/errors.js';
import type { PlatformProbe, ThreadsPreference } from '../../core/protocol/capabilities.js';
import type { GgufEntry } from '../../core/protocol/manifest.js';
import type { LoadProgress } from '../../core/protocol/worker-api.js';
import { byteProgress } from '../load/progress.js';
import type { KeyValueStore } from '../../core/protocol/key-value-store.js';
import { withDeclaredGate, type DeclaredRung } from './declared-gate.js';
import { GgufEngine, mapLlamaError, type WllamaLike } from './gguf-engine.js';
import { loadModelFile } from './gguf/model-file.js';
import type { OrtRuntime } from './onnx-causal-lm.js';

export type { GgufEntry } from '../../core/protocol/manifest.js';

export type GgufThreads = { readonly threads: number; readonly reason: string };

/** All cores by default (llama.cpp's decode is compute-bound); one without SharedArrayBuffer. */
export function ggufThreadsFor(probe: PlatformProbe, preference: ThreadsPreference): GgufThreads {
  if (!probe.sharedArrayBuffer)
    return {
      threads: 1,
      reason:
        'one thread: the page is not cross-origin isolated (no SharedArrayBuffer; serve it with COOP/COEP for more)',
    };
  const wanted = preference === 'auto' ? probe.maxWasmThreads : preference;
  const threads = Math.max(1, Math.min(wanted, probe.maxWasmThreads));
  return {
    threads,
    reason:
      preference === 'auto'
        ? `all ${threads} cores this device reports`
        : `${wanted} requested${threads < wanted ? `, capped at ${threads} cores` : ''}`,
  };
}

/** wllama's two WASM builds, emitted beside the worker by the bundler. */
async function createWllama(): Promise<WllamaLike & { loadModel(blobs: Blob[], config: object): Promise<void> }> {
  const [{ Wllama }, single, multi] = await Promise.all([
    import('@wllama/wllama/esm/index.js'),
    import('@wllama/wllama/esm/single-thread/wllama.wasm?url'),
    import('@wllama/wllama/esm/multi-thread/wllama.wasm?url'),
  ]);
  // wllama 2 resolves its asset URLs against `document.baseURI`, which a worker lacks; our URLs
  // are absolute already, so the worker's own location stands in (decision 027).
  const scope = globalThis as { document?: unknown };
  scope.document ??= { baseURI: location.href, currentScript: null };
  const at = (url: string) => new URL(url, location.href).href;
  return new Wllama(
    { 'single-thread/wllama.wasm': at(single.default), 'multi-thread/wllama.wasm': at(multi.default) },
    { suppressNativeLog: true, allowOffline: true },
  ) as never;
}

export type GgufRung = DeclaredRung<GgufEngine> & {
  readonly fileSource: 'network' | 'cache';
  readonly fileNotice: string | null;
};

export async function loadGgufEngine(
  entry: GgufEntry,
  modelsUrl: string,
  threads: GgufThreads,
  onProgress: (p: LoadProgress) => void,
  signal?: AbortSignal,
): Promise<{ engine: GgufEngine; fileSource: 'network' | 'cache'; fileNotice: string | null }> {
  const file = { ...entry.file, url: new URL(entry.file.url, modelsUrl).href };
  const { blob, source, storageNotice } = await loadModelFile(
    file,
    byteProgress(onProgress, 'model', entry.model_id),
    signal,
  );
  if (signal?.aborted) throw new RouterError('aborted', 'the model load was cancelled');
  onProgress({
    stage: 'compile',
    loaded: 0,
    total: null,
    text: `starting ${entry.model_id} on ${threads.threads} thread${threads.threads === 1 ? '' : 's'}`,
  });
  const llama = await createWllama();
  try {
    // Flash attention off, as the native engine that labels the gate runs it (node/llama-cpp-engine.ts).
    await llama.loadModel([blob], {
      n_ctx: entry.context_length,
      n_threads: threads.threads,
      seed: 1,
      flash_attn: false,
    });
  } catch (error) {
    await llama.exit().catch(() => undefined);
    throw mapLlamaError(error);
  }
  try {
    return {
      engine: await GgufEngine.create(llama, { modelId: entry.model_id, contextLength: entry.context_length }),
      fileSource: source,
      fileNotice: storageNotice,
    };
  } catch (error) {
    await llama.exit().catch(() => undefined);
    throw error;
  }
}

export async function loadGgufRung(
  ort: OrtRuntime,
  entry: GgufEntry,
  modelsUrl: string,
  threads: GgufThreads,
  store: KeyValueStore,
  onProgress: (p: LoadProgress) => void,
  signal?: AbortSignal,
): Promise<GgufRung> {
  if (!entry.gate || !entry.thresholds)
    throw new RouterError(
      'invalid_artifact',
      `models.json declares ${entry.model_id} without a gate and thresholds: fit them with \`riskgate fit\``,
    );
  const { engine, fileSource, fileNotice } = await loadGgufEngine(entry, modelsUrl, threads, onProgress, signal);
  return { ...(await withDeclaredGate(ort, engine, entry, modelsUrl, store, signal)), fileSource, fileNotice };
}
