/**
 * @module riskgate-chat
 * `<riskgate-chat>`: the drop-in chat widget. It composes two reactive controllers (the worker
 * connection, the conversation, the launcher panel, the outbox, the threshold feedback) and the
 * render parts (operating point, status line, message list, composer, footer). Properties and
 * their validation: riskgate-chat.properties.ts, attributes.ts and docs/widget.md. Public: `send(text)`,
 * `stop()`, `clear()`, `ready`, `capabilities`, `status`, `stats`, `cancelLoad()`. Events
 * (bubbling, composed): `riskgate-decision`, `riskgate-token`, `riskgate-done`, `riskgate-error`,
 * `riskgate-progress`.
 */
import { html, nothing } from 'lit';
import type { RouterError } from '../../core/errors.js';
import type { OutboxEntry } from '../../core/offline/outbox.js';
import type { Capabilities } from '../../core/protocol/capabilities.js';
import type { Decision, LoadProgress, WorkerStatus } from '../../core/protocol/worker-api.js';
import { Conversation, type SendResult, type SessionStats } from '../controllers/conversation.js';
import { CopyFeedback } from '../controllers/copy-feedback.js';
import { FollowScroll } from '../controllers/follow-scroll.js';
import { LauncherPanel } from '../controllers/launcher-panel.js';
import { OutboxDelivery, type QueuedPrompt } from '../controllers/outbox-delivery.js';
import { cancelledByPage } from '../controllers/outgoing-message.js';
import { ThresholdFeedback } from '../controllers/threshold-feedback.js';
import { UndoOffer } from '../controllers/undo-offer.js';
import { WidgetToken } from '../controllers/widget-token.js';
import { WorkerConnection } from '../controllers/worker-connection.js';
import { putInComposer, renderComposer } from '../render/composer.js';
import { renderConnectivityLine } from '../render/connectivity-line.js';
import { renderFooter } from '../render/footer.js';
import { CONTINUE_PROMPT, renderMessageList } from '../render/message-list.js';
import { mayAnswerHere, operatingPointOf, renderOperatingPoint } from '../render/operating-point.js';
import { renderStatusLine } from '../render/status-line.js';
import { RiskgateChatProperties } from './riskgate-chat.properties.js';
import { chatStyles } from './riskgate-chat.styles.js';

export type { SendResult, SessionStats };

export class RiskgateChat extends RiskgateChatProperties {
  /** Where `models-url` points when it is not set: the `models/` folder beside the script (set by embed.ts). */
  static defaultModelsUrl = '';
  static override styles = chatStyles;

  /**
   * Returns a fresh widget token from the site's backend (for a proxy with auth on); called before
   * the first edge request and again after a 401. Wins over the `token` attribute.
   */
  getToken: (() => string | Promise<string>) | undefined = undefined;
  readonly #token = new WidgetToken(this);
  readonly #follow = new FollowScroll(this, () => this.renderRoot.querySelector<HTMLElement>('ol.messages'));
  readonly #copy = new CopyFeedback(this);
  readonly #launcher = new LauncherPanel(this, () => this.#conversation.busy);

  readonly #connection: WorkerConnection;
  readonly #feedback = new ThresholdFeedback(this, {
    remote: () => this.#connection.client?.remote,
    shadowRate: () => this.shadowRate,
    adaptsFromFeedback: () => this.adaptThreshold === 'feedback',
    check: () => ({ endpoint: new URL(this.endpoint, document.baseURI).href, maxTokens: this.maxTokens }),
    authorization: () => this.#token.authorization(false),
    emit: (name, detail) => this.emit(name, detail),
  });
  readonly #conversation: Conversation;
  readonly #undo: UndoOffer;
  readonly #outbox: OutboxDelivery;

  constructor() {
    super();
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
        progress: (p: LoadProgress) => this.emit('riskgate-progress', { ...p }),
        failed: (error: RouterError) => {
          this.#conversation.reportLoadFailure(error);
          this.emit('riskgate-error', { code: error.code, message: error.message });
        },
      },
    );
    const endpoint = () => new URL(this.endpoint, document.baseURI).href;
    this.#outbox = new OutboxDelivery(this, {
      endpoint,
      deliver: (entry) => this.#conversation.deliver(entry),
      undeliverable: (entry, error) => this.#conversation.undeliverable(entry, error),
      emit: (name, detail) => this.emit(name, detail),
    });
    this.#conversation = new Conversation(this, this.#connection, {
      request: () => ({
        costWeight: this.costWeight,
        riskLevel: this.riskLevel,
        mode: this.mode,
        endpoint: endpoint(),
        maxTokens: this.maxTokens,
      }),
      authorization: (refresh) => this.#token.authorization(refresh),
      answeredHere: (decision, messages, text) => this.#feedback.answeredHere(decision, messages, text),
      offline: () => this.offline,
      beforeSend: (request) =>
        this.dispatchEvent(
          new CustomEvent('riskgate-send', { detail: request, bubbles: true, composed: true, cancelable: true }),
        ),
      systemPrompt: () => this.systemPrompt,
      storageName: () => this.conversation || null,
      queue: (entry: OutboxEntry) => this.#outbox.enqueue(entry),
      unqueue: (id: string) => this.#outbox.cancel(id),
      emit: (name, detail) => {
        if (name === 'riskgate-done') this.#announce(detail as { path: string; model: string; text: string });
        if (name === 'riskgate-decision') this.#feedback.decided(detail as Decision);
        this.emit(name, detail);
        if (name === 'riskgate-feedback') void this.#feedback.fellShort((detail as { decision: Decision }).decision);
      },
    });
    this.#undo = new UndoOffer(this, this.#conversation, (words) => {
      this.announcement = words;
    });
  }

  /** Prompts waiting for the edge, in delivery order (id, prompt, attempts, next attempt, last error). */
  get outbox(): readonly QueuedPrompt[] {
    return this.#outbox.waiting;
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
    this.#undo.clear();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.preload !== 'none') this.ready.catch(() => undefined);
  }

  #announce(done: { path: string; model: string; text: string }): void {
    this.announcement = `${done.path === 'local' ? 'Answered on this device' : `Answered by ${done.model}`}: ${done.text}`;
  }

  /** A starter, Continue or Ask again: sent as the visitor's, who wants to see the answer. */
  #sendPinned(text: string | undefined): void {
    if (text === undefined) return;
    this.#follow.pin();
    void this.send(text).catch(() => undefined); // shown in the message list and as riskgate-error
  }

  #editLast(promptId: number): void {
    const text = this.#conversation.takeBack(promptId);
    if (text === undefined) return;
    putInComposer(this.renderRoot, text);
    this.announcement = 'Your last message is back in the message box.';
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
    this.send(text).catch((error: unknown) => {
      if (cancelledByPage(error) && input.value === '') input.value = text; // others: in the list
    });
  }

  override render() {
    const state = this.#connection.state;
    const stats = this.#conversation.stats;
    if (this.layout === 'launcher' && !this.open) return this.#launcher.renderButton();
    const picker =
      this.mode !== 'auto' || this.controls === 'none' || this.#connection.status?.engine === null
        ? nothing
        : renderOperatingPoint({
            ...operatingPointOf(this.#connection.status, this.costWeight, this.riskLevel),
            costWeight: this.costWeight,
            riskLevel: this.riskLevel,
            adapted: this.#feedback.summaryAt(this.costWeight, this.riskLevel),
            onCostWeight: (v) => (this.costWeight = v),
            onRiskLevel: (v) => (this.riskLevel = v),
          });
    return html`
      <header part="header">
        ${this.layout === 'launcher' ? this.#launcher.renderBar() : nothing}
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
        mayAnswerHere: mayAnswerHere(this.#connection.status),
        welcome: this.welcome,
        starters: this.starters,
        onStarter: (prompt) => this.#sendPinned(prompt),
        onRetry: (id) => void this.#conversation.retry(id),
        copied: this.#copy.copied,
        onCopy: (id, text) =>
          void this.#copy.copy(id, text).then((said) => {
            this.announcement = said;
          }),
        onCancelQueued: (id) => void this.#conversation.cancelQueued(id),
        onAskEdgeLater: (id) => void this.#conversation.askEdgeLater(id),
        onAskEdge: (id) => void this.#conversation.askEdge(id).catch(() => undefined),
        onContinue: () => this.#sendPinned(CONTINUE_PROMPT),
        onAskAgain: (id) => this.#sendPinned(this.#conversation.takeBack(id)),
        onEdit: (id) => this.#editLast(id),
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
      ${renderFooter({
        stats,
        hasTurns: this.#conversation.turns.length > 0,
        cleared: this.#undo.offered,
        onClear: () => this.clear(),
        onUndo: () => this.#undo.undo(),
      })}
      <div class="sr-only" aria-live="polite" aria-atomic="true">${this.announcement}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'riskgate-chat': RiskgateChat;
  }
}
