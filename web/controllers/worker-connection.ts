/**
 * @module controllers/worker-connection
 * A Lit reactive controller that owns the router worker for one element: starts it (at once, or
 * on first use with `preload="none"`), reports progress, and turns every load failure into a
 * settled `ready` with a stable code, so the element is never stuck on "loading" (issue 11).
 * `retry()` starts over with a fresh worker.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { RouterError, toErrorPayload } from '../../core/errors.js';
import type { LoadProgress, WorkerConfig, WorkerStatus } from '../../core/protocol/worker-api.js';
import type { Capabilities } from '../../core/protocol/capabilities.js';
import { createRouterClient, type RouterClient } from '../worker-client.js';

export type ConnectionState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'loading'; readonly progress: LoadProgress | undefined }
  | { readonly phase: 'ready'; readonly status: WorkerStatus }
  | { readonly phase: 'failed'; readonly error: RouterError };

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
};

export class WorkerConnection implements ReactiveController {
  state: ConnectionState = { phase: 'idle' };
  #client: RouterClient | undefined;
  #ready: Promise<WorkerStatus> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly config: () => WorkerConfig,
    private readonly events: {
      progress(p: LoadProgress): void;
      failed(error: RouterError): void;
      ready?(status: WorkerStatus): void;
    },
  ) {
    host.addController(this);
  }

  get client(): RouterClient | undefined {
    return this.#client;
  }

  get status(): WorkerStatus | undefined {
    return this.state.phase === 'ready' ? this.state.status : undefined;
  }

  /** Starts loading if nothing is loaded or loading; resolves with the status, rejects with a RouterError. */
  ready(): Promise<WorkerStatus> {
    this.#ready ??= this.#load();
    return this.#ready;
  }

  async #load(): Promise<WorkerStatus> {
    this.#set({ phase: 'loading', progress: undefined });
    try {
      this.#client ??= createRouterClient();
      const status = await this.#client.init(this.config(), (progress) => {
        if (this.state.phase === 'loading') this.#set({ phase: 'loading', progress });
        this.events.progress(progress);
      });
      // Structured clone drops Object.freeze; the page gets the probe frozen again.
      const frozen: WorkerStatus = { ...status, capabilities: deepFreeze(status.capabilities) as Capabilities };
      // The visitor reads plain words; the site owner gets the code in the console.
      if (!frozen.engine)
        console.warn(
          `<riskgate-chat>: no on-device model, every message goes to the edge (${frozen.capabilities.reason})`,
        );
      this.events.ready?.(frozen);
      this.#set({ phase: 'ready', status: frozen });
      return frozen;
    } catch (thrown) {
      const error =
        thrown instanceof RouterError
          ? thrown
          : new RouterError(toErrorPayload(thrown).code, toErrorPayload(thrown).message);
      // A worker that never started cannot be retried in place, and a cancelled one may still be
      // downloading (web-llm's reload cannot be interrupted): the next ready() makes a new one.
      if (error.code === 'asset_unreachable' || error.code === 'aborted') this.#dispose();
      this.#ready = undefined;
      this.#set({ phase: 'failed', error });
      this.events.failed(error);
      throw error;
    }
  }

  /** Cancels the download in progress: `ready` rejects with `aborted`; the next `ready()` starts over. */
  cancel(): void {
    void this.#client?.remote.cancelLoad();
  }

  retry(): Promise<WorkerStatus> {
    if (this.state.phase !== 'ready') this.#dispose();
    this.#ready = undefined;
    return this.ready();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.#dispose();
    this.#ready = undefined;
    this.state = { phase: 'idle' };
  }

  #dispose(): void {
    this.#client?.terminate();
    this.#client = undefined;
  }

  #set(state: ConnectionState): void {
    this.state = state;
    this.host.requestUpdate();
  }
}
