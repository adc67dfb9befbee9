/**
 * @module riskgate-chat
 * `<riskgate-chat>`: the drop-in chat widget. It composes two reactive controllers (the worker
 * connection, the conversation) and five render parts (operating point, status line, message
 * list, composer, footer). Attributes: see `attributes.ts` and docs/widget.md. Public: `send(text)`,
 * `stop()`, `clear()`, `ready`, `capabilities`, `status`, `stats`, `cancelLoad()`. Events
 * (bubbling, composed): `riskgate-decision`, `riskgate-token`, `riskgate-done`, `riskgate-error`,
 * `riskgate-progress`.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { RouterError } from '../../core/errors.js';
import type { RouteMode } from '../../core/protocol/chat.js';
import type { Decision, LoadProgress, WorkerStatus } from '../../core/protocol/worker-api.js';
import type { BackendPreference, Capabilities, ThreadsPreference } from '../../core/protocol/capabilities.js';
import { ATTRIBUTES, attributeProperties, type AttributeName, type Preload } from './attributes.js';
import { chatStyles } from './riskgate-chat.styles.js';
import { WorkerConnection } from '../controllers/worker-connection.js';
import { FollowScroll } from '../controllers/follow-scroll.js';
import { Conversation, type OfflinePolicy, type SendResult, type SessionStats } from '../controllers/conversation.js';
import { OutboxDelivery } from '../controllers/outbox-delivery.js';
import type { OutboxEntry } from '../../core/offline/outbox.js';
import { renderOperatingPoint } from '../render/operating-point.js';
import { ThresholdFeedback } from '../controllers/threshold-feedback.js';
import { renderStatusLine } from '../render/status-line.js';
import { renderMessageList } from '../render/message-list.js';
import { renderComposer } from '../render/composer.js';
import { renderConnectivityLine } from '../render/connectivity-line.js';

export type { SendResult, SessionStats };

export class RiskgateChat extends LitElement {
  /** Where `models-url` points when it is not set: the `models/` folder beside the script (set by embed.ts). */
  static defaultModelsUrl = '';
  static override styles = chatStyles;
  // theme is reflected: the stylesheet picks the palette from the host's attribute.
  static override properties = {
    ...attributeProperties,
    theme: { ...attributeProperties.theme, reflect: true },
    layout: { ...attributeProperties.layout, reflect: true },
    open: { type: Boolean, reflect: true },
    hint: { state: true },
    announcement: { state: true },
    copied: { state: true },
    cleared: { state: true },
    updateAvailable: { state: true },
  };

  // Reactive properties are `declare`d and set in the constructor: a class-field initializer
  // would shadow Lit's accessors (standard [[Define]] semantics) and nothing would re-render.
  declare endpoint: string;
  declare costWeight: number;
  declare riskLevel: number;
  declare mode: RouteMode;
  declare backend: BackendPreference;
  declare threads: ThreadsPreference;
  declare modelsUrl: string;
  declare maxTokens: number;
  declare preload: Preload;
  /** `auto` follows the visitor's `prefers-color-scheme`; `light` and `dark` fix the palette. */
  declare theme: 'auto' | 'light' | 'dark';
  /** `launcher`: a floating button that opens the chat as a panel; `inline`: the chat in the page's flow. */
  declare layout: 'inline' | 'launcher';
  /** The launcher's panel is open (reflected: a site can open it with the attribute). */
  declare open: boolean;
  /** The operating-point picker: `full`, `compact` (behind an "Answer settings" toggle) or `none`. */
  declare controls: 'full' | 'compact' | 'none';
  /** The greeting of an empty conversation. */
  declare welcome: string;
  /** Suggested first messages (attribute: separated by `|`). */
  declare starters: string[];
  declare offline: OfflinePolicy;
  declare conversation: string;
  declare updateAvailable: (() => void) | undefined;
  declare token: string;
  /** `per-cluster`: each prompt gets its cluster's calibrated threshold (decision 022). */
  declare riskControl: 'marginal' | 'per-cluster';
  /** `feedback`: adapt τ(λ, α) from visitors' "not good enough" reports (decision 022). */
  declare adaptThreshold: 'off' | 'feedback';
  /** ρ: the share of answers given here that are also checked against the larger model (decision 024). */
  declare shadowRate: number;
  /** `live`: τ(λ, α) recalibrated at each prompt with this device's measured costs (decision 023). */
  declare costModel: 'calibrated' | 'live';
  /** `any`: route with a gate fitted to another model's answers (evaluation only; decision 025). */
  declare gateLabels: 'own' | 'any';
  /**
   * Returns a fresh widget token from the site's backend (for a proxy with auth on); called before
   * the first edge request and again after a 401. Wins over the `token` attribute.
   */
  getToken: (() => string | Promise<string>) | undefined = undefined;
  #cachedToken: string | undefined;
  declare hint: string | undefined;
  declare announcement: string;
  declare copied: { id: number; ok: boolean } | undefined;
  /** Just cleared: Undo is offered. */
  declare cleared: boolean;
  #clearedTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #follow = new FollowScroll(this, () => this.renderRoot.querySelector<HTMLElement>('ol.messages'));
  #copiedTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #connection: WorkerConnection;
  readonly #feedback = new ThresholdFeedback(this, {
    remote: () => this.#connection.client?.remote,
    shadowRate: () => this.shadowRate,
    adaptsFromFeedback: () => this.adaptThreshold === 'feedback',
    check: () => ({ endpoint: new URL(this.endpoint, document.baseURI).href, maxTokens: this.maxTokens }),
    authorization: () => this.#authorization(false),
    emit: (name, detail) => this.#emit(name, detail),
  });
  readonly #conversation: Conversation;
  readonly #outbox: OutboxDelivery;

  constructor() {
    super();
    for (const [name, spec] of Object.entries(ATTRIBUTES)) (this as Record<string, unknown>)[name] = spec.fallback();
    this.open = false;
    this.hint = undefined;
    this.announcement = '';
    this.cleared = false;
    this.#connection = new WorkerConnection(
      this,
      () => ({
        modelsUrl: new URL(this.modelsUrl || RiskgateChat.defaultModelsUrl || 'models/', document.baseURI).href,
        backend: this.backend,
        threads: this.threads,
        adaptThreshold: this.adaptThreshold === 'feedback',
        riskControl: this.riskControl,
        costModel: this.costModel,
        gateLabels: this.gateLabels,
      }),
      {
        ready: (status: WorkerStatus) => this.#feedback.loaded(status),
        progress: (p: LoadProgress) => this.#emit('riskgate-progress', { ...p }),
        failed: (error: RouterError) => {
          this.#conversation.reportLoadFailure(error);
          this.#emit('riskgate-error', { code: error.code, message: error.message });
        },
      },
    );
    const endpoint = () => new URL(this.endpoint, document.baseURI).href;
    this.#outbox = new OutboxDelivery(this, {
      endpoint,
      deliver: (entry) => this.#conversation.deliver(entry),
      undeliverable: (entry, error) => this.#conversation.undeliverable(entry, error),
      emit: (name, detail) => this.#emit(name, detail),
    });
    this.#conversation = new Conversation(this, this.#connection, {
      request: () => ({
        costWeight: this.costWeight,
        riskLevel: this.riskLevel,
        mode: this.mode,
        endpoint: endpoint(),
        maxTokens: this.maxTokens,
      }),
      authorization: (refresh) => this.#authorization(refresh),
      answeredHere: (decision, messages, text) => this.#feedback.answeredHere(decision, messages, text),
      offline: () => this.offline,
      storageName: () => this.conversation || null,
      queue: (entry: OutboxEntry) => this.#outbox.enqueue(entry),
      unqueue: (id: string) => this.#outbox.cancel(id),
      emit: (name, detail) => {
        if (name === 'riskgate-done') this.#announce(detail as { path: string; model: string; text: string });
        if (name === 'riskgate-decision') this.#feedback.decided(detail as Decision);
        this.#emit(name, detail);
        if (name === 'riskgate-feedback') void this.#feedback.fellShort((detail as { decision: Decision }).decision);
      },
    });
    this.updateAvailable = undefined;
  }

  /** Prompts waiting for the edge, in delivery order (id, prompt, attempts, next attempt, last error). */
  get outbox(): readonly {
    id: string;
    prompt: string;
    attempts: number;
    nextAttemptAt: number;
    lastError: { code: string; message: string } | null;
  }[] {
    return this.#outbox.entries.map((e) => ({
      id: e.id,
      prompt: e.messages.at(-1)!.content,
      attempts: e.attempts,
      nextAttemptAt: e.nextAttemptAt,
      lastError: e.lastError,
    }));
  }

  /** Resolves once a conversation kept from an earlier visit is back on screen. */
  get restored(): Promise<void> {
    return this.#conversation.restored;
  }

  /** Resolves when no answer is being produced (an update waits for this before reloading). */
  async whenIdle(): Promise<void> {
    while (this.#conversation.busy) await new Promise((r) => setTimeout(r, 100));
  }

  /** Cancels a queued prompt (it stays on screen, marked not sent). */
  cancelQueued(id: string): Promise<void> {
    return this.#conversation.cancelQueued(id);
  }

  /** Resolves when the local model, gate and thresholds are loaded (starts loading if `preload="none"` held it back). */
  get ready(): Promise<WorkerStatus> {
    return this.#connection.ready();
  }

  get status(): WorkerStatus | undefined {
    return this.#connection.status;
  }

  /** The frozen platform probe and the active rung of the fallback ladder (undefined until ready). */
  get capabilities(): Capabilities | undefined {
    return this.#connection.status?.capabilities;
  }

  /** This session's tally: answered on the device n of m, tokens kept on the device, time saved. */
  get stats(): SessionStats {
    return this.#conversation.stats;
  }

  /** Cancels the model download in progress; `ready` then rejects with `aborted` and a later `ready` starts over. */
  cancelLoad(): void {
    this.#connection.cancel();
  }

  /** Routes one prompt and resolves with the answer; rejects with a RouterError (its `code`). */
  send(text: string): Promise<SendResult> {
    return this.#conversation.send(text);
  }

  /** Stops the answer in progress (local decoding or the edge stream): `riskgate-done` with `finishReason: 'aborted'`. */
  stop(): void {
    this.#conversation.stop();
  }

  /** Empties the conversation; for a few seconds the footer offers Undo. */
  clear(): void {
    this.#conversation.clear();
    this.cleared = true;
    this.announcement = 'Conversation cleared. Undo is in the footer for a few seconds.';
    clearTimeout(this.#clearedTimer);
    this.#clearedTimer = setTimeout(() => {
      this.cleared = false;
    }, 10_000);
  }

  #undoClear(): void {
    clearTimeout(this.#clearedTimer);
    this.cleared = false;
    if (this.#conversation.undoClear()) this.announcement = 'Conversation restored.';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.#onKeydown);
    if (this.preload !== 'none') this.ready.catch(() => undefined);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    for (const name of Object.keys(ATTRIBUTES) as AttributeName[]) {
      if (!changed.has(name)) continue;
      const spec = ATTRIBUTES[name];
      const value = this[name];
      if (spec.valid(value)) continue;
      const previous = changed.get(name) as unknown;
      (this as Record<string, unknown>)[name] = spec.valid(previous) ? previous : spec.fallback();
      const message = `${spec.attribute} must be ${spec.expected}, not ${JSON.stringify(value)}; keeping ${JSON.stringify(this[name])}`;
      console.warn(`<riskgate-chat>: ${message}`);
      this.#emit('riskgate-error', { code: 'invalid_request', message });
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    // The launcher's open panel is a (non-modal) dialog named "Chat" for assistive technology.
    if (changed.has('open') || changed.has('layout')) {
      const dialog = this.layout === 'launcher' && this.open;
      if (dialog) {
        this.setAttribute('role', 'dialog');
        this.setAttribute('aria-label', 'Chat');
      } else if (this.getAttribute('role') === 'dialog') {
        this.removeAttribute('role');
        this.removeAttribute('aria-label');
      }
    }
  }

  /** `Bearer …` from `getToken` (cached until a 401 asks for a fresh one) or the `token` attribute. */
  async #authorization(refresh: boolean): Promise<string | undefined> {
    if (this.getToken) {
      if (refresh || this.#cachedToken === undefined) this.#cachedToken = await this.getToken();
      return `Bearer ${this.#cachedToken}`;
    }
    return this.token ? `Bearer ${this.token}` : undefined;
  }

  #emit(name: string, detail: object): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /** The launcher's panel: opened with the message box focused, closed with focus back on the button. */
  async #openPanel(): Promise<void> {
    this.open = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  }

  async #closePanel(): Promise<void> {
    this.open = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('button.launcher')?.focus();
  }

  /** Escape closes the launcher's panel (while an answer streams, Escape in the box stops it first). */
  readonly #onKeydown = (e: KeyboardEvent) => {
    if (
      e.key === 'Escape' &&
      this.layout === 'launcher' &&
      this.open &&
      !this.#conversation.busy &&
      !e.defaultPrevented
    )
      void this.#closePanel();
  };

  /** Copy, with the answer's button saying whether it worked (and a screen reader told). */
  async #copy(id: number, text: string): Promise<void> {
    const ok = await (navigator.clipboard?.writeText(text).then(
      () => true,
      () => false,
    ) ?? Promise.resolve(false));
    this.copied = { id, ok };
    this.announcement = ok ? 'Copied to the clipboard.' : 'The browser did not allow copying.';
    clearTimeout(this.#copiedTimer);
    this.#copiedTimer = setTimeout(() => {
      this.copied = undefined;
    }, 2_000);
  }

  #announce(done: { path: string; model: string; text: string }): void {
    this.announcement = `${done.path === 'local' ? 'Answered on this device' : `Answered by ${done.model}`}: ${done.text}`;
  }

  #onSend(text: string, input: HTMLTextAreaElement): void {
    if (text.trim() === '') {
      this.hint = 'Type a message first.';
      input.focus();
      return;
    }
    this.hint = undefined;
    this.#follow.pin(); // a visitor who sends wants to see the answer
    input.value = '';
    input.focus();
    this.send(text).catch(() => undefined); // shown in the message list and as riskgate-error
  }

  /** A local engine runs and calibration certified at least one operating point. */
  #mayAnswerHere(): boolean {
    const status = this.#connection.status;
    if (!status?.engine) return false;
    return status.uncertified.length < status.grid.costWeights.length * status.grid.riskLevels.length;
  }

  override render() {
    const state = this.#connection.state;
    const grid = this.#connection.status?.grid;
    const stats = this.#conversation.stats;
    if (this.layout === 'launcher' && !this.open) {
      return html`<button type="button" class="launcher" part="launcher" aria-expanded="false" aria-haspopup="dialog" @click=${() => this.#openPanel()}>
        <span aria-hidden="true">💬</span> Chat</button>`;
    }
    const picker =
      this.mode !== 'auto' || this.controls === 'none' || this.#connection.status?.engine === null
        ? nothing
        : renderOperatingPoint({
            costWeights: grid?.costWeights ?? [this.costWeight],
            riskLevels: grid?.riskLevels ?? [this.riskLevel],
            costWeight: this.costWeight,
            riskLevel: this.riskLevel,
            uncertified:
              this.#connection.status?.uncertified.some(
                (p) => p.costWeight === this.costWeight && p.riskLevel === this.riskLevel,
              ) ?? false,
            promise: this.#connection.status?.promise,
            nothingCertified:
              grid !== undefined &&
              this.#connection.status!.uncertified.length === grid.costWeights.length * grid.riskLevels.length,
            adapted: this.#feedback.summaryAt(this.costWeight, this.riskLevel),
            onCostWeight: (v) => (this.costWeight = v),
            onRiskLevel: (v) => (this.riskLevel = v),
          });
    return html`
      <header part="header">
        ${
          this.layout === 'launcher'
            ? html`<div class="panel-bar"><h2 id="panel-title">Chat</h2>
          <button type="button" class="link close" part="close" aria-label="Close chat" @click=${() => this.#closePanel()}>Close</button></div>`
            : nothing
        }
        ${this.controls === 'compact' && picker !== nothing ? html`<details class="answer-settings"><summary>Answer settings</summary>${picker}</details>` : picker}
        ${renderStatusLine({ state, preload: this.preload, mode: this.mode, onCancel: () => this.cancelLoad() })}
        ${renderConnectivityLine({
          connectivity: this.#outbox.connectivity,
          queued: this.#outbox.entries.length,
          notices: [
            this.#outbox.notice,
            this.#conversation.storageNotice,
            ...this.#outbox.quarantined.map(
              (q) => `a queued message could not be read and was set aside (${q.reason})`,
            ),
          ],
          onRetryNow: () => this.#outbox.retryNow(),
          onUpdate: this.updateAvailable,
        })}
      </header>
      ${renderMessageList({
        turns: this.#conversation.turns,
        mayAnswerHere: this.#mayAnswerHere(),
        welcome: this.welcome,
        starters: this.starters,
        onStarter: (prompt) => {
          this.#follow.pin();
          void this.send(prompt).catch(() => undefined);
        },
        onRetry: (id) => void this.#conversation.retry(id),
        copied: this.copied,
        onCopy: (id, text) => void this.#copy(id, text),
        onCancelQueued: (id) => void this.#conversation.cancelQueued(id),
        onAskEdgeLater: (id) => void this.#conversation.askEdgeLater(id),
        onAskEdge: (id) => void this.#conversation.askEdge(id).catch(() => undefined),
      })}
      ${this.#follow.unseen ? html`<button type="button" class="link new-messages" @click=${() => this.#follow.scrollToEnd()}>New messages below ↓</button>` : nothing}
      ${renderComposer({
        busy: this.#conversation.busy,
        hint: this.hint,
        onSend: (text, input) => this.#onSend(text, input),
        onStop: () => this.stop(),
        onFocus: () => {
          if (state.phase === 'idle') this.ready.catch(() => undefined);
        },
      })}
      <footer part="footer">
        <span class="tally">${stats.prompts === 0 ? '' : `Answered on this device: ${stats.answeredLocally} of ${stats.prompts}`}${stats.tokensKeptOnDevice > 0 ? ` · ${stats.tokensKeptOnDevice} tokens kept off the server` : ''}${stats.estimatedTimeSavedMs ? ` · about ${(stats.estimatedTimeSavedMs / 1000).toFixed(1)} s saved` : ''}</span>
        ${
          this.#conversation.turns.length > 0
            ? html`<button type="button" class="link clear" @click=${() => this.clear()}>Clear conversation</button>`
            : this.cleared
              ? html`<span class="cleared">Conversation cleared. <button type="button" class="link undo" @click=${() => this.#undoClear()}>Undo</button></span>`
              : nothing
        }
      </footer>
      <div class="sr-only" aria-live="polite" aria-atomic="true">${this.announcement}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'riskgate-chat': RiskgateChat;
  }
}
