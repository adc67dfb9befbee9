/**
 * @module router.worker
 * The only file that touches the worker global: exposes the router API over comlink.
 * onnxruntime-web is imported on demand, per build: the WASM-only build for the gate and the WASM
 * rung, the WebGPU-capable build only when a WebGPU rung is tried (workers/load/ort-runtimes.ts).
 */
import { expose } from 'comlink';
import wasmGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import wasmBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import webgpuGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import webgpuBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { installErrorTransfer } from './error-transfer.js';
import { createRouterWorkerApi } from './router-worker-api.js';
import type { OrtRuntime } from './engine/onnx-causal-lm.js';
import type { OrtLoader } from './load/ort-runtimes.js';

// Started through a Blob bootstrap from a page on another origin (the widget on a CDN), this
// script's origin is not the worker's. ORT's bundles then refuse their embedded glue and import
// `ort-wasm-simd-threaded*.mjs` by its plain name beside themselves, which the build renamed:
// point ORT at the built files explicitly (decision 014).
const crossOrigin = new URL(import.meta.url).origin !== self.location.origin;
const built = (url: string) => new URL(url, import.meta.url).href;

const loadOrt: OrtLoader = async (flavour) => {
  const ort = flavour === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  if (crossOrigin) {
    ort.env.wasm.wasmPaths =
      flavour === 'webgpu'
        ? { mjs: built(webgpuGlueUrl), wasm: built(webgpuBinaryUrl) }
        : { mjs: built(wasmGlueUrl), wasm: built(wasmBinaryUrl) };
  }
  return ort as unknown as OrtRuntime;
};

// With threads, ORT starts its pthread workers from its own script, named "em-pthread": they
// must not answer comlink (its listener would reply to every Emscripten message).
const isOrtPthread = (globalThis as { name?: string }).name?.startsWith('em-pthread') === true;
if (!isOrtPthread) {
  installErrorTransfer();
  expose(createRouterWorkerApi(loadOrt));
}
