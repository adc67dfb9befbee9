/**
 * @module router-worker-api
 * Implements `RouterWorkerApi` as wiring only: loading is load/load-router.ts (the ladder, the gate,
 * the threshold policy), one prompt is route/route-prompt.ts (decide → stream), a shadow check is
 * route/shadow-check.ts. All engine and gate work goes through the session's one single-flight
 * queue (worker-session.ts); our tools' calls live apart, in tooling-worker-api.ts. onnxruntime-web
 * is injected as a loader per build (WASM-only, WebGPU) so the worker downloads only the build a
 * rung needs. Errors are thrown as RouterErrors; error-transfer.ts carries their code to the page.
 */
import { toErrorPayload } from '../core/errors.js';
import type { KeyValueStore } from '../core/protocol/key-value-store.js';
import type { LoadProgress, RouterWorkerApi, RouterWorkerEndpoint } from '../core/protocol/worker-api.js';
import { loadRouter } from './load/load-router.js';
import type { OrtLoader } from './load/ort-runtimes.js';
import { routePrompt } from './route/route-prompt.js';
import { runShadowCheck } from './route/shadow-check.js';
import { idbStore } from './threshold-cache.js';
import { createToolingWorkerApi } from './tooling-worker-api.js';
import { createWorkerSession, loadedRouter, type WorkerSession } from './worker-session.js';

export function createRouterWorkerApi(loadOrt: OrtLoader, store: KeyValueStore = idbStore): RouterWorkerEndpoint {
  const session = createWorkerSession(loadOrt, store);
  return { ...productApi(session), tooling: createToolingWorkerApi(session) };
}

function productApi(session: WorkerSession): RouterWorkerApi {
  const { exclusive } = session;
  return {
    cancelLoad() {
      session.cancel.abort();
    },
    stopRoute() {
      session.currentRoute?.abort();
    },
    async init(config, onProgress) {
      if (!session.loaded) {
        session.cancel = new AbortController();
        const report = (p: LoadProgress) => void onProgress?.(p);
        session.loaded = loadRouter(session.deps, config, report, session.cancel.signal);
      }
      try {
        return (await session.loaded).status;
      } catch (error) {
        session.loaded = undefined; // let the page retry after fixing the cause
        throw error;
      }
    },
    async route(request, onEvent) {
      const started = performance.now();
      try {
        await exclusive(async () => {
          session.currentRoute = new AbortController();
          await routePrompt(await loadedRouter(session), request, onEvent, session.currentRoute, started);
        });
      } catch (error) {
        await onEvent({ type: 'error', error: toErrorPayload(error) });
      } finally {
        session.currentRoute = undefined;
      }
    },
    reportFellShort: (decisionId) =>
      exclusive(async () => (await loadedRouter(session)).policy.label(String(decisionId), { kind: 'fell-short' })),
    shadowCheck: async (request) => runShadowCheck((await loadedRouter(session)).policy, request),
  };
}
