/**
 * @module router.worker
 * The only file that touches the worker global: exposes the router API over comlink.
 * ORT runs single-threaded here: the local model is tiny and thread start-up costs more than it
 * saves (docs/decisions/004-ort-single-thread.md).
 */
import { expose } from 'comlink';
import * as ort from 'onnxruntime-web';
import { createRouterWorkerApi } from './router-worker-api.js';
import type { OrtRuntime } from './engine/onnx-causal-lm.js';

ort.env.wasm.numThreads = 1;
expose(createRouterWorkerApi(ort as unknown as OrtRuntime));
