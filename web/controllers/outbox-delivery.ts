/**
 * @module controllers/outbox-delivery
 * Delivers the offline outbox: when the browser is online it probes the proxy's `/health`, then
 * hands the next due entry (in the order prompts were sent) to the conversation, which asks the
 * edge with the entry id as Idempotency-Key. A failure that may pass backs the entry off
 * (core/offline/outbox.ts); one that cannot (a 400) gives the prompt back to the conversation as
 * an error with Retry. Triggers: the `online` event, the backoff timer, a new entry. Only one tab
 * delivers at a time (Web Locks), so two tabs never send the same entry twice at once.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { RouterError, toErrorPayload } from '../../core/errors.js';
import { afterFailure, deliveryOrder, nextDue, waitsForNetwork, type OutboxEntry } from '../../core/offline/outbox.js';
import { openOutboxStore, type OutboxStore } from '../offline/outbox-store.js';

/** A prompt waiting for the edge, as the page sees it. */
export type QueuedPrompt = {
  readonly id: string;
  readonly prompt: string;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: { code: string; message: string } | null;
};

export type Connectivity = 'online' | 'offline' | 'edge-unreachable';

export type DeliveryHooks = {
  readonly endpoint: () => string;
  readonly deliver: (entry: OutboxEntry) => Promise<unknown>;
  readonly undeliverable: (entry: OutboxEntry, error: RouterError) => void;
  readonly emit: (name: string, detail: object) => void;
};

const HEALTH_TIMEOUT_MS = 5_000;

export class OutboxDelivery implements ReactiveController {
  entries: OutboxEntry[] = [];
  quarantined: { key: string; reason: string }[] = [];
  connectivity: Connectivity = typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'online';
  notice: string | null = null;
  #store: Promise<OutboxStore> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #connected = false;
  readonly #onOnline = () => {
    this.#setConnectivity('online');
    this.#schedule(0);
  };
  readonly #onOffline = () => this.#setConnectivity('offline');

  /** The prompts waiting for the edge, in delivery order. */
  get waiting(): QueuedPrompt[] {
    return this.entries.map(({ id, messages, attempts, nextAttemptAt, lastError }) => ({
      id,
      prompt: messages.at(-1)!.content,
      attempts,
      nextAttemptAt,
      lastError,
    }));
  }

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly hooks: DeliveryHooks,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    addEventListener('online', this.#onOnline);
    addEventListener('offline', this.#onOffline);
    void this.#load();
  }

  hostDisconnected(): void {
    this.#connected = false;
    removeEventListener('online', this.#onOnline);
    removeEventListener('offline', this.#onOffline);
    clearTimeout(this.#timer);
  }

  async enqueue(entry: OutboxEntry): Promise<void> {
    await (await this.#open()).put(entry);
    this.entries = deliveryOrder([...this.entries, entry]);
    this.hooks.emit('riskgate-queued', {
      id: entry.id,
      prompt: entry.messages.at(-1)!.content,
      attempts: entry.attempts,
    });
    this.host.requestUpdate();
    this.#schedule(0);
  }

  async cancel(id: string): Promise<void> {
    await (await this.#open()).remove(id);
    this.entries = this.entries.filter((e) => e.id !== id);
    // Nothing waits for the edge any more, so nothing checks it: the line must not go on saying it is down.
    if (this.entries.length === 0 && this.connectivity === 'edge-unreachable') this.#setConnectivity('online');
    this.host.requestUpdate();
  }

  /**
   * The edge just answered a message: it is reachable, so the line stops saying otherwise and what
   * waits for it is sent now rather than at its next back-off.
   */
  edgeAnswered(): void {
    if (this.connectivity !== 'edge-unreachable') return;
    this.#setConnectivity('online');
    this.retryNow();
  }

  /**
   * Try now (the Retry on the connectivity line): every entry is due now, in the store too, since a
   * delivery reads the store (another tab may have delivered) and would otherwise see the old back-off.
   */
  retryNow(): void {
    this.entries = this.entries.map((e) => ({ ...e, nextAttemptAt: 0 }));
    const due = this.entries;
    void this.#open()
      .then((store) => Promise.all(due.map((e) => store.put(e))))
      .catch(() => undefined)
      .then(() => this.#schedule(0));
  }

  #open(): Promise<OutboxStore> {
    this.#store ??= openOutboxStore().then(({ store, notice }) => {
      this.notice = notice;
      return store;
    });
    return this.#store;
  }

  async #load(): Promise<void> {
    const { entries, quarantined } = await (await this.#open()).read();
    this.entries = deliveryOrder(entries);
    this.quarantined = quarantined;
    for (const q of quarantined)
      this.hooks.emit('riskgate-error', {
        code: 'invalid_artifact',
        message: `a queued prompt could not be read and was set aside (${q.key}: ${q.reason})`,
      });
    this.host.requestUpdate();
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (!this.#connected || this.entries.length === 0) return;
    this.#timer = setTimeout(() => void this.#deliverDue(), Math.max(0, delayMs));
  }

  async #deliverDue(): Promise<void> {
    if (this.#running || this.connectivity === 'offline') return;
    this.#running = true;
    try {
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      if (locks) await locks.request('riskgate-outbox', () => this.#deliverAllDue());
      else await this.#deliverAllDue();
    } finally {
      this.#running = false;
    }
    const next = this.entries.reduce((t, e) => Math.min(t, e.nextAttemptAt), Infinity);
    if (Number.isFinite(next)) this.#schedule(next - Date.now());
  }

  async #deliverAllDue(): Promise<void> {
    // Another tab may have delivered while this one waited for the lock.
    const { entries } = await (await this.#open()).read();
    this.entries = deliveryOrder(entries);
    for (let entry = nextDue(this.entries, Date.now()); entry; entry = nextDue(this.entries, Date.now())) {
      const store = await this.#open();
      try {
        if (!(await this.#edgeIsUp()))
          throw new RouterError('edge_unreachable', `${this.hooks.endpoint()} does not answer /health`, {
            retryLater: true,
          });
        await this.hooks.deliver(entry);
        await store.remove(entry.id);
        this.entries = this.entries.filter((e) => e.id !== entry!.id);
        this.#setConnectivity('online');
        this.hooks.emit('riskgate-delivered', {
          id: entry.id,
          prompt: entry.messages.at(-1)!.content,
          attempts: entry.attempts + 1,
        });
      } catch (thrown) {
        const error = toErrorPayload(thrown);
        if (waitsForNetwork(error)) {
          const later = afterFailure(entry, error, Date.now());
          await store.put(later);
          this.entries = this.entries.map((e) => (e.id === later.id ? later : e));
          this.#setConnectivity(navigator.onLine === false ? 'offline' : 'edge-unreachable');
        } else {
          await store.remove(entry.id);
          this.entries = this.entries.filter((e) => e.id !== entry!.id);
          this.hooks.undeliverable(
            entry,
            thrown instanceof RouterError ? thrown : new RouterError(error.code, error.message),
          );
        }
      }
      this.host.requestUpdate();
    }
  }

  async #edgeIsUp(): Promise<boolean> {
    const base = this.hooks.endpoint();
    const url = new URL('health', base.endsWith('/') ? base : `${base}/`).href;
    return fetch(url, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS), cache: 'no-store' }).then(
      (r) => r.ok,
      () => false,
    );
  }

  #setConnectivity(state: Connectivity): void {
    if (this.connectivity === state) return;
    this.connectivity = state;
    this.host.requestUpdate();
  }
}
