/**
 * @module worker-session
 * The state one router worker holds, shared by the product API (router-worker-api.ts) and the
 * tooling API (tooling-worker-api.ts): the one single-flight queue all engine and gate work goes
 * through, the loaded router (or the engine alone, for `represent`), and the abort handles.
 */
import { RouterError } from '../core/errors.js';
import type { KeyValueStore } from '../core/protocol/key-value-store.js';
import type { LocalEngine } from '../core/protocol/local-engine.js';
import type { Ladder, LadderDeps } from './load/load-ladder.js';
import type { LoadedRouter } from './load/load-router.js';
import { memoizeOrtLoader, type OrtLoader } from './load/ort-runtimes.js';
import { createSingleFlight } from './single-flight.js';

export type WorkerSession = {
  readonly exclusive: ReturnType<typeof createSingleFlight>;
  readonly deps: LadderDeps;
  /** `init`: the router (ladder, gate, thresholds). */
  loaded: Promise<LoadedRouter> | undefined;
  /** `initEngine`: the engine alone, for tooling. */
  representing: Promise<Ladder> | undefined;
  cancel: AbortController;
  currentRoute: AbortController | undefined;
};

export function createWorkerSession(loadOrt: OrtLoader, store: KeyValueStore): WorkerSession {
  // ORT reads numThreads when its WASM module starts; a later init in the same worker keeps it.
  const threadsApplied: LadderDeps['threadsApplied'] = { value: undefined };
  return {
    exclusive: createSingleFlight(),
    deps: { ort: memoizeOrtLoader(loadOrt, () => threadsApplied.value?.threads ?? 1), store, threadsApplied },
    loaded: undefined,
    representing: undefined,
    cancel: new AbortController(),
    currentRoute: undefined,
  };
}

export async function loadedRouter(session: WorkerSession): Promise<LoadedRouter> {
  if (!session.loaded) throw new RouterError('engine_not_ready', 'call init() before routing');
  return session.loaded;
}

export async function routerEngine(session: WorkerSession): Promise<LocalEngine> {
  const { engine, noEngineReason } = await loadedRouter(session);
  if (!engine) throw new RouterError('engine_not_ready', `no local engine on this device: ${noEngineReason}`);
  return engine;
}
