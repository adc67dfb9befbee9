/**
 * @module router-worker-api
 * Implements `RouterWorkerApi` as wiring only: loading is load/load-router.ts (the ladder, the gate,
 * the threshold policy), one prompt is route/route-prompt.ts (decide → stream), a shadow check is
 * route/shadow-check.ts. All engine and gate work goes through one single-flight queue.
 * onnxruntime-web is injected as a loader per build (WASM-only, WebGPU) so the worker downloads
 * only the build a rung needs.
 */
import { RouterError, toErrorPayload } from '../core/errors.js';
import type { LocalEngine } from '../core/protocol/local-engine.js';
import type { LoadProgress, RouteEvent, RouteRequest, RouterWorkerApi } from '../core/protocol/worker-api.js';
import { collectDecode } from './engine/collect-decode.js';
import { createSingleFlight } from './single-flight.js';
import type { KeyValueStore } from '../core/protocol/key-value-store.js';
import { idbStore } from './threshold-cache.js';
import { memoizeOrtLoader, type OrtLoader } from './load/ort-runtimes.js';
import { engineInfo, representPrompt } from './gate/represent-prompt.js';
import { runShadowCheck } from './route/shadow-check.js';
import { loadLadder, type Ladder, type LadderDeps } from './load/load-ladder.js';
import { loadRouter, type LoadedRouter } from './load/load-router.js';
import { routePrompt } from './route/route-prompt.js';

export function createRouterWorkerApi(loadOrt: OrtLoader, store: KeyValueStore = idbStore): RouterWorkerApi {
  const exclusive = createSingleFlight();
  let loaded: Promise<LoadedRouter> | undefined;
  let cancel = new AbortController();
  let currentRoute: AbortController | undefined;
  let representing: Promise<Ladder> | undefined;
  // ORT reads numThreads when its WASM module starts; a later init in the same worker keeps it.
  const threadsApplied: LadderDeps['threadsApplied'] = { value: undefined };
  const deps: LadderDeps = {
    ort: memoizeOrtLoader(loadOrt, () => threadsApplied.value?.threads ?? 1),
    store,
    threadsApplied,
  };

  const ready = async (): Promise<LoadedRouter> => {
    if (!loaded) throw new RouterError('engine_not_ready', 'call init() before routing');
    return loaded;
  };

  async function route(request: RouteRequest, onEvent: (event: RouteEvent) => void | Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await exclusive(async () => {
        currentRoute = new AbortController();
        await routePrompt(await ready(), request, onEvent, currentRoute, started);
      });
    } catch (error) {
      await onEvent({ type: 'error', error: toErrorPayload(error) });
    } finally {
      currentRoute = undefined;
    }
  }

  const requireEngine = async (): Promise<LocalEngine> => {
    const { engine, noEngineReason } = await ready();
    if (!engine) throw new RouterError('engine_not_ready', `no local engine on this device: ${noEngineReason}`);
    return engine;
  };

  return {
    cancelLoad() {
      cancel.abort();
    },
    stopRoute() {
      currentRoute?.abort();
    },
    async init(config, onProgress) {
      if (!loaded) {
        cancel = new AbortController();
        loaded = loadRouter(
          deps,
          config,
          (p: LoadProgress) => {
            void onProgress?.(p);
          },
          cancel.signal,
        );
      }
      try {
        return (await loaded).status;
      } catch (error) {
        loaded = undefined; // let the page retry after fixing the cause
        throw toErrorPayload(error);
      }
    },
    async initEngine(config, onProgress) {
      if (loaded)
        throw toErrorPayload(
          new RouterError('invalid_request', 'this worker already routes; start another one to represent prompts'),
        );
      cancel = new AbortController();
      representing ??= loadLadder(
        deps,
        config,
        (p: LoadProgress) => {
          void onProgress?.(p);
        },
        'represent',
        cancel.signal,
      );
      try {
        const { engine, capabilities, reason, started, fileNotice } = await representing;
        if (!engine) throw new RouterError('engine_not_ready', `no local engine on this device: ${reason}`);
        return {
          engine: engineInfo(engine),
          capabilities,
          loadMs: performance.now() - started,
          storageNotice: fileNotice,
        };
      } catch (error) {
        representing = undefined;
        throw toErrorPayload(error);
      }
    },
    represent: (messages, options) =>
      exclusive(async () => {
        const engine = (await representing)?.engine;
        if (!engine) throw new RouterError('engine_not_ready', 'call initEngine() before represent()');
        return representPrompt(engine, messages, options);
      }),
    route,
    generateLocal: (messages, maxTokens) =>
      exclusive(async () => {
        // A worker started with initEngine (no gate) generates too: the bench measures engines that way.
        const engine = !loaded && representing ? (await representing).engine : await requireEngine();
        if (!engine) throw new RouterError('engine_not_ready', 'no local engine on this device');
        const prefill = await engine.prefill(messages);
        const t0 = performance.now();
        const { tokens, text } = await collectDecode(engine.decode({ maxTokens }));
        return {
          tokens,
          text,
          hiddenState: prefill.hiddenState,
          prefillMs: prefill.prefillMs,
          decodeMs: performance.now() - t0,
        };
      }),
    reportFellShort: (decisionId) =>
      exclusive(async () => (await ready()).policy.label(String(decisionId), { kind: 'fell-short' })),
    async shadowCheck(request) {
      try {
        return await runShadowCheck((await ready()).policy, request);
      } catch (error) {
        throw toErrorPayload(error);
      }
    },
    gateScore: (representation, costWeight) =>
      exclusive(async () => (await ready()).gate.score(representation, costWeight)),
    counters: async () => (await requireEngine()).counters(),
  };
}
