/**
 * @module router.worker
 * The only file that touches the worker global: exposes the router API over comlink.
 * onnxruntime-web is imported on demand, per build: the WASM-only build for the gate and the WASM
 * rung, the WebGPU-capable build only when a WebGPU rung is tried (workers/load/ort-runtimes.ts).
 */
import { expose } from 'comlink';
import { createRouterWorkerApi } from './router-worker-api.js';
import type { OrtRuntime } from './engine/onnx-causal-lm.js';
import type { OrtLoader } from './load/ort-runtimes.js';

const loadOrt: OrtLoader = async (flavour) =>
  (flavour === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm')) as unknown as OrtRuntime;

// With threads, ORT starts its pthread workers from its own script, named "em-pthread": they
// must not answer comlink (its listener would reply to every Emscripten message).
const isOrtPthread = (globalThis as { name?: string }).name?.startsWith('em-pthread') === true;
if (!isOrtPthread) expose(createRouterWorkerApi(loadOrt));
