/**
 * @module upstream/embedded-thread-worker
 * One worker thread of the embedded upstream's pool: runs stories260K in onnxruntime-node through
 * the in-process embedded upstream, and streams each answer's pieces back to the server thread.
 * Messages in: `{type: 'generate', id, request}`, `{type: 'abort', id}`, `{type: 'close'}`; out:
 * `piece`, `done`, `error` (with the UpstreamError fields the failover ladder reads). `close` stops
 * every answer, waits until no inference runs, then lets the thread end: terminating a thread in
 * the middle of an onnxruntime-node run aborts the whole process (a native Napi::Error).
 */
import { parentPort } from 'node:worker_threads';
import { createNodeEngine } from '../../node/local-model.js';
import { createEmbeddedOnnxUpstream } from './embedded-onnx.js';
import type { UpstreamRequest } from './upstream.js';

const port = parentPort!;
const upstream = createEmbeddedOnnxUpstream(createNodeEngine);
const running = new Map<number, AbortController>();

port.on(
  'message',
  async (
    message:
      | { type: 'generate'; id: number; request: UpstreamRequest }
      | { type: 'abort'; id: number }
      | { type: 'close' },
  ) => {
    if (message.type === 'abort') {
      running.get(message.id)?.abort();
      return;
    }
    if (message.type === 'close') {
      for (const abort of running.values()) abort.abort();
      while (running.size > 0) await new Promise((r) => setTimeout(r, 5));
      port.close(); // nothing left to keep the thread alive: it exits
      return;
    }
    const { id, request } = message;
    const abort = new AbortController();
    running.set(id, abort);
    try {
      const answer = upstream.generate(request, abort.signal);
      for (;;) {
        const step = await answer.next();
        if (step.done) {
          port.postMessage({ type: 'done', id, result: step.value });
          break;
        }
        // The embedded model calls no tools: its pieces are text.
        if (typeof step.value === 'string') port.postMessage({ type: 'piece', id, text: step.value });
      }
    } catch (error) {
      const e = error as { failure?: string; status?: number; message?: string };
      port.postMessage({
        type: 'error',
        id,
        failure: e.failure ?? 'http',
        status: e.status,
        message: e.message ?? String(error),
      });
    } finally {
      running.delete(id);
    }
  },
);
