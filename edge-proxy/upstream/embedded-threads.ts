/**
 * @module upstream/embedded-threads
 * The embedded upstream off the event loop: a pool of worker threads, each with its own
 * stories260K engine (embedded-thread-worker.ts). Tokenizing and running a long prompt then
 * cannot hold up `/health` or any other request (issue 12). Requests go to the thread with the
 * fewest running; each thread answers one at a time (an engine owns one KV cache). A thread that
 * dies fails its requests as `refused` (the failover ladder moves on) and is replaced on next use.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { Upstream, UpstreamRequest, UpstreamResult } from './upstream.js';
import { UpstreamError, type UpstreamFailure } from './upstream-error.js';

type Out =
  | { type: 'piece'; id: number; text: string }
  | { type: 'done'; id: number; result: UpstreamResult }
  | { type: 'error'; id: number; failure: UpstreamFailure; status?: number; message: string };
type Pending = { push(message: Out): void };
type Thread = { worker: Worker; pending: Map<number, Pending> };

/** Threads by default: the cores less one for the server's own event loop, at least one. */
export const defaultEmbeddedThreads = () => Math.max(1, availableParallelism() - 1);

/**
 * `queuePerThread` bounds the waiting: when every thread already holds that many requests, a new
 * one is refused at once as `overloaded` (a queue without a bound only turns overload into
 * timeouts for everyone).
 */
export function createEmbeddedThreadUpstream({
  id = 'stories260K',
  threads = defaultEmbeddedThreads(),
  queuePerThread = 8,
} = {}): Upstream & { close(): Promise<void> } {
  const pool: (Thread | undefined)[] = Array.from({ length: threads }, () => undefined);
  let nextId = 1;

  const spawn = (slot: number): Thread => {
    // The thread runs TypeScript sources like the server does: a bootstrap registers tsx's loader
    // in the thread (execArgv's --import does not reach worker threads on Node 20), then imports it.
    const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
    const tsx = pathToFileURL(join(dirname(tsxPackage), 'dist/esm/api/index.mjs')).href;
    const source = new URL('./embedded-thread-worker.ts', import.meta.url).href;
    const bootstrap = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(source)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`));
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (message: Out) => thread.pending.get(message.id)?.push(message));
    const fail = (why: string) => {
      pool[slot] = undefined;
      for (const [requestId, p] of thread.pending)
        p.push({ type: 'error', id: requestId, failure: 'refused', message: `embedded thread ${why}` });
      thread.pending.clear();
    };
    worker.on('error', (error) => fail(`failed: ${error.message}`));
    worker.on('exit', (code) => fail(`exited with ${code}`));
    worker.unref();
    pool[slot] = thread;
    return thread;
  };

  const leastBusy = (): Thread => {
    let best = 0;
    for (let i = 1; i < pool.length; i++) if ((pool[i]?.pending.size ?? 0) < (pool[best]?.pending.size ?? 0)) best = i;
    return pool[best] ?? spawn(best);
  };

  async function* generate(request: UpstreamRequest, signal: AbortSignal): AsyncGenerator<string, UpstreamResult> {
    const thread = leastBusy();
    if (thread.pending.size >= queuePerThread)
      throw new UpstreamError('overloaded', `${id}: ${threads} threads × ${queuePerThread} requests already waiting`, {
        status: 503,
        retryAfter: '1',
      });
    const requestId = nextId++;
    const inbox: Out[] = [];
    let wake: (() => void) | undefined;
    thread.pending.set(requestId, {
      push: (m) => {
        inbox.push(m);
        wake?.();
      },
    });
    const onAbort = () => {
      thread.worker.postMessage({ type: 'abort', id: requestId });
      wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    thread.worker.postMessage({
      type: 'generate',
      id: requestId,
      request: {
        messages: request.messages,
        maxTokens: request.maxTokens,
        temperature: request.temperature,
        seed: request.seed,
      },
    });
    let finished = false;
    try {
      for (;;) {
        while (inbox.length === 0 && !signal.aborted)
          await new Promise<void>((r) => {
            wake = r;
          });
        // Pieces the thread produced before it saw the abort are not the client's any more.
        if (signal.aborted) throw new UpstreamError('aborted', 'client went away');
        const message = inbox.shift()!;
        if (message.type === 'piece') yield message.text;
        else if (message.type === 'done') {
          finished = true;
          return message.result;
        } else {
          finished = true;
          throw new UpstreamError(
            message.failure,
            message.message,
            message.status !== undefined ? { status: message.status } : {},
          );
        }
      }
    } finally {
      if (!finished) onAbort(); // the consumer stopped reading: stop generating
      signal.removeEventListener('abort', onAbort);
      thread.pending.delete(requestId);
    }
  }

  return {
    id,
    model: id,
    kind: 'embedded',
    generate,
    /** Lets each thread finish its inference and exit (terminate() only if it does not within 5 s). */
    async close() {
      await Promise.all(
        pool.map(
          (t) =>
            t &&
            new Promise<void>((done) => {
              const force = setTimeout(() => void t.worker.terminate(), 5000);
              t.worker.once('exit', () => {
                clearTimeout(force);
                done();
              });
              t.worker.postMessage({ type: 'close' });
            }),
        ),
      );
    },
  };
}
