/**
 * @module router.worker
 * The only file that touches the worker global: exposes the router API over comlink.
 * ORT's WASM thread count is set by the API at init, from the model's measured default or the
 * page's `threads` (decisions 003, 012).
 */
import { expose } from 'comlink';
import * as ort from 'onnxruntime-web';
import { createRouterWorkerApi } from './router-worker-api.js';
import type { OrtRuntime } from './engine/onnx-causal-lm.js';

// With threads, ORT starts its pthread workers from this same script, named "em-pthread": they
// must not answer comlink (its listener would reply to every Emscripten message).
const isOrtPthread = (globalThis as { name?: string }).name?.startsWith('em-pthread') === true;
if (!isOrtPthread) expose(createRouterWorkerApi(ort as unknown as OrtRuntime));
