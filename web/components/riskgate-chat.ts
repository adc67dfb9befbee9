/**
 * @module riskgate-chat
 * `<riskgate-chat>`: the drop-in chat widget. It composes reactive controllers (worker connection,
 * conversation, launcher panel, outbox, threshold feedback) and the render parts, in the words of
 * `lang` (web/strings/). Properties: riskgate-chat.properties.ts, attributes.ts, docs/widget.md.
 * Public: `send(text)`, `stop()`, `clear()`, `ready`, `capabilities`, `status`, `stats`,
 * `cancelLoad()`. Events (bubbling, composed): `riskgate-send` (cancelable), `riskgate-decision`,
 * `riskgate-token`, `riskgate-done`, `riskgate-error`, `riskgate-progress`.
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
import { MessageBox } from '../controllers/message-box.js';
import { OutboxDelivery, type QueuedPrompt } from '../controllers/outbox-delivery.js';
import { ThresholdFeedback } from '../controllers/threshold-feedback.js';
import { UndoOffer } from '../controllers/undo-offer.js';
import { WidgetToken } from '../controllers/widget-token.js';
import { WorkerConnection } from '../controllers/worker-connection.js';
import { renderComposer } from '../render/composer.js';
import { renderConnectivityLine } from '../render/connectivity-line.js';
import { renderFooter } from '../render/footer.js';
import { renderMessageList } from '../render/message-list.js';
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
  readonly #box = new MessageBox(this, {
    send: (text) => this.send(text),
    takeBack: (id) => this.#conversation.takeBack(id),
    pin: () => this.#follow.pin(),
  });
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
        if (name === 'riskgate-done' && (detail as { path: string }).path === 'edge') this.#outbox.edgeAnswered();
        if (name === 'riskgate-decision') this.#feedback.decided(detail as Decision);
        this.emit(name, detail);
        if (name === 'riskgate-feedback') void this.#feedback.fellShort((detail as { decision: Decision }).decision);
      },
    });
    this.#undo = new UndoOffer(this, this.#conversation, (what) => {
      this.announcement = what === 'cleared' ? this.words.clearedSaid : this.words.restoredSaid;
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
    const t = this.words;
    this.announcement = t.announceAnswer(done.path === 'local' ? t.answeredHere : t.answeredBy(done.model), done.text);
  }

  override render() {
    const state = this.#connection.state;
    const t = this.words;
    if (this.layout === 'launcher' && !this.open) return this.#launcher.renderButton();
    const picker =
      this.mode !== 'auto' || this.controls === 'none' || this.#connection.status?.engine === null
        ? nothing
        : renderOperatingPoint({
            t,
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
        ${this.controls === 'compact' && picker !== nothing ? html`<details class="answer-settings"><summary>${t.answerSettings}</summary>${picker}</details>` : picker}
        ${renderStatusLine({ t, state, preload: this.preload, mode: this.mode, onCancel: () => this.cancelLoad() })}
        ${renderConnectivityLine({
          t,
          connectivity: this.#outbox.connectivity,
          queued: this.#outbox.entries.length,
          notices: [
            this.#outbox.notice,
            this.#conversation.storageNotice,
            ...this.#outbox.quarantined.map((q) => t.quarantined(q.reason)),
          ],
          onRetryNow: () => this.#outbox.retryNow(),
          onUpdate: this.updateAvailable,
        })}
      </header>
      ${renderMessageList({
        t,
        rerender: () => this.requestUpdate(),
        turns: this.#conversation.turns,
        mayAnswerHere: mayAnswerHere(this.#connection.status),
        welcome: this.welcome,
        starters: this.starters,
        speakers: {
          assistant: { name: this.assistantName, avatar: this.assistantAvatar },
          user: { name: this.userName, avatar: this.userAvatar },
        },
        onStarter: (prompt) => this.#box.sendAsVisitor(prompt),
        onRetry: (id) => void this.#conversation.retry(id),
        copied: this.#copy.copied,
        onCopy: (id, text) => void this.#copy.copy(id, text),
        onCancelQueued: (id) => void this.#conversation.cancelQueued(id),
        onAskEdgeLater: (id) => void this.#conversation.askEdgeLater(id),
        onAskEdge: (id) => void this.#conversation.askEdge(id).catch(() => undefined),
        onContinue: () => this.#box.sendAsVisitor(t.continuePrompt),
        onAskAgain: (id) => this.#box.sendAsVisitor(this.#conversation.takeBack(id)),
        onEdit: (id) => this.#box.editLast(id),
      })}
      ${this.#follow.unseen ? html`<button type="button" class="link new-messages" @click=${() => this.#follow.scrollToEnd()}>${t.newMessages}</button>` : nothing}
      ${renderComposer({
        t,
        busy: this.#conversation.busy,
        hint: this.hint,
        onSend: (text, input) => this.#box.submit(text, input),
        files: this.#box.files,
        onAttach: (files) => void this.#box.attach(files),
        onRemoveFile: (i) => this.#box.remove(i),
        onStop: () => this.stop(),
        onFocus: () => {
          if (state.phase === 'idle') this.ready.catch(() => undefined);
        },
      })}
      ${renderFooter({
        t,
        stats: this.#conversation.stats,
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
