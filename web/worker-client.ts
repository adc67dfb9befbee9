/**
 * @module worker-client
 * The one place the page talks to the router worker: a comlink `Remote<RouterWorkerApi>` for the
 * widget, and `tooling` (`Remote<ToolingWorkerApi>`) for our own tools. Errors thrown in the worker
 * arrive as RouterErrors with their code (workers/error-transfer.ts).
 * The worker script is resolved from this bundle's own URL (Vite's `?worker&url`, relative under
 * `base: './'`), so the widget works in any folder. A worker script on another origin (the widget
 * served from a CDN) cannot be started directly; it is started through a same-origin Blob module
 * that imports it, and everything it loads then resolves against the CDN (decision 014).
 */
import { proxy, wrap, type Remote } from 'comlink';
import workerUrl from '../workers/router.worker.ts?worker&url';
import { RouterError } from '../core/errors.js';
import { installErrorTransfer } from '../workers/error-transfer.js';
import type { EngineStatus, ToolingWorkerApi } from '../core/protocol/tooling-api.js';
import type {
  LoadProgress,
  RouteEvent,
  RouteRequest,
  RouterWorkerApi,
  RouterWorkerEndpoint,
  WorkerConfig,
  WorkerStatus,
} from '../core/protocol/worker-api.js';

export type RouterClient = {
  readonly remote: Remote<RouterWorkerApi>;
  /** The calls our tools make (represent, generateLocal, gateScore, counters); never the widget's. */
  readonly tooling: Remote<ToolingWorkerApi>;
  /** Whether the worker script comes from another origin than the page (CDN embed). */
  readonly crossOrigin: boolean;
  init(config: WorkerConfig, onProgress?: (progress: LoadProgress) => void): Promise<WorkerStatus>;
  /** The local engine alone, to represent prompts (`riskgate represent`); see ToolingWorkerApi.initEngine. */
  initEngine(config: WorkerConfig, onProgress?: (progress: LoadProgress) => void): Promise<EngineStatus>;
  route(request: RouteRequest, onEvent: (event: RouteEvent) => void): Promise<void>;
  terminate(): void;
};

/** The built worker script's absolute URL. */
export const routerWorkerUrl = (): string => new URL(workerUrl, import.meta.url).href;

function startWorker(url: string): { worker: Worker; crossOrigin: boolean } {
  const crossOrigin = new URL(url).origin !== location.origin;
  try {
    if (!crossOrigin) return { worker: new Worker(url, { type: 'module', name: 'riskgate-router' }), crossOrigin };
    const bootstrap = URL.createObjectURL(new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' }));
    return { worker: new Worker(bootstrap, { type: 'module', name: 'riskgate-router' }), crossOrigin };
  } catch (cause) {
    // A CSP without worker-src/blob:, or a browser without module workers.
    throw new RouterError('asset_unreachable', `the router worker could not start (${String(cause)})`, { cause });
  }
}

export function createRouterClient(): RouterClient {
  const { worker, crossOrigin } = startWorker(routerWorkerUrl());
  installErrorTransfer();
  const endpoint = wrap<RouterWorkerEndpoint>(worker);
  const remote: Remote<RouterWorkerApi> = endpoint;
  const tooling = endpoint.tooling as unknown as Remote<ToolingWorkerApi>;
  // A module worker whose script (or an import of it) fails to load fires `error` on the Worker and
  // never answers; comlink would wait forever. Every call races this.
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(
        new RouterError(
          'asset_unreachable',
          `the router worker script ${routerWorkerUrl()} could not be loaded${event.message ? ` (${event.message})` : ' (404, blocked by CORS or by a Content-Security-Policy)'}`,
        ),
      );
    });
  });
  failed.catch(() => undefined);
  const guarded = <T>(call: Promise<T>) => Promise.race([call, failed]);
  return {
    remote,
    crossOrigin,
    tooling,
    init: (config, onProgress) =>
      guarded(remote.init({ ...config, crossOriginScript: crossOrigin }, onProgress ? proxy(onProgress) : undefined)),
    initEngine: (config, onProgress) =>
      guarded(
        tooling.initEngine({ ...config, crossOriginScript: crossOrigin }, onProgress ? proxy(onProgress) : undefined),
      ),
    route: (request, onEvent) => guarded(remote.route(request, proxy(onEvent))),
    terminate: () => worker.terminate(),
  };
}
