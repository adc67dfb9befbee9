/**
 * @module worker-client
 * The one place the page talks to the router worker: a comlink `Remote<RouterWorkerApi>`.
 */
import { proxy, wrap, type Remote } from 'comlink';
import { fromErrorPayload, toErrorPayload, type ErrorPayload } from '../core/errors.js';
import type { LoadProgress, RouteEvent, RouteRequest, RouterWorkerApi, WorkerConfig, WorkerStatus } from '../core/protocol/worker-api.js';

export type RouterClient = {
  readonly remote: Remote<RouterWorkerApi>;
  init(config: WorkerConfig, onProgress?: (progress: LoadProgress) => void): Promise<WorkerStatus>;
  route(request: RouteRequest, onEvent: (event: RouteEvent) => void): Promise<void>;
  terminate(): void;
};

export function createRouterClient(): RouterClient {
  const worker = new Worker(new URL('../workers/router.worker.ts', import.meta.url), { type: 'module', name: 'riskgate-router' });
  const remote = wrap<RouterWorkerApi>(worker);
  return {
    remote,
    async init(config, onProgress) {
      try {
        return await remote.init(config, onProgress ? proxy(onProgress) : undefined);
      } catch (error) {
        // The worker throws plain {code, message} payloads; give callers a RouterError back.
        throw fromErrorPayload(toErrorPayload(error as ErrorPayload));
      }
    },
    route: (request, onEvent) => remote.route(request, proxy(onEvent)),
    terminate: () => worker.terminate(),
  };
}
