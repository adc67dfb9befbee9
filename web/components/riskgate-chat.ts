/**
 * @module riskgate-chat
 * `<riskgate-chat>`: the drop-in chat widget. Attributes `endpoint`, `cost-weight`, `risk-level`,
 * `mode` (auto|local|edge), `backend` (auto|wasm|webgpu), `threads` (auto|N), `models-url`. Public `send(text)`. Events
 * (bubbling, composed): `riskgate-decision`, `riskgate-token`, `riskgate-done`, `riskgate-error`.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { RouterError, fromErrorPayload, type ErrorPayload } from '../../core/errors.js';
import type { ChatMessage, RouteMode, RoutePath } from '../../core/protocol/chat.js';
import type { Decision, LoadProgress, RouteEvent, WorkerStatus } from '../../core/protocol/worker-api.js';
import type { BackendPreference, Capabilities, ThreadsPreference } from '../../core/protocol/capabilities.js';
import { createRouterClient, type RouterClient } from '../worker-client.js';
import { chatStyles } from './riskgate-chat.styles.js';

type Turn = { role: 'user' | 'assistant' | 'error'; text: string; decision?: Decision; servedBy?: string; code?: string };
export type SendResult = { path: RoutePath; text: string; decision: Decision; model: string };

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
};
const formatThreshold = (t: number) => (t === Infinity ? '+∞' : t === -Infinity ? '−∞' : t.toFixed(3));

export class RiskgateChat extends LitElement {
  static override styles = chatStyles;
  static override properties = {
    endpoint: { type: String },
    costWeight: { type: Number, attribute: 'cost-weight' },
    riskLevel: { type: Number, attribute: 'risk-level' },
    mode: { type: String },
    backend: { type: String },
    // 'auto' or a count; anything else reaches the worker as NaN and is refused with invalid_request.
    threads: { converter: (value: string | null): ThreadsPreference => (value === null || value === 'auto' ? 'auto' : Number(value)) },
    modelsUrl: { type: String, attribute: 'models-url' },
    maxTokens: { type: Number, attribute: 'max-tokens' },
    status: { state: true },
    progress: { state: true },
    turns: { state: true },
    busy: { state: true },
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
  declare status: WorkerStatus | undefined;
  declare progress: LoadProgress | undefined;
  declare turns: Turn[];
  declare busy: boolean;
  #client: RouterClient | undefined;
  #ready: Promise<WorkerStatus> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor() {
    super();
    this.endpoint = 'http://localhost:8787';
    this.costWeight = 0.5;
    this.riskLevel = 0.1;
    this.mode = 'auto';
    this.backend = 'auto';
    this.threads = 'auto';
    this.modelsUrl = 'models/';
    this.maxTokens = 96;
    this.status = undefined;
    this.turns = [];
    this.busy = false;
  }

  /** Cancels the model download in progress; `ready` then rejects with `aborted` and a later `ready` starts over. */
  cancelLoad(): void {
    void this.#client?.remote.cancelLoad();
  }

  /** The frozen platform probe and the active rung of the fallback ladder (undefined until ready). */
  get capabilities(): Capabilities | undefined {
    return this.status?.capabilities;
  }

  /** Resolves when the local model, gate and thresholds are loaded. */
  get ready(): Promise<WorkerStatus> {
    this.#client ??= createRouterClient();
    const onProgress = (p: LoadProgress) => {
      this.progress = p;
      this.#emit('riskgate-progress', { ...p });
    };
    this.#ready ??= this.#client.init({ modelsUrl: new URL(this.modelsUrl, document.baseURI).href, backend: this.backend, threads: this.threads }, onProgress)
      // Structured clone drops Object.freeze; the page gets the probe frozen again.
      .then((status) => (this.status = { ...status, capabilities: deepFreeze(status.capabilities) }))
      .catch((error: unknown) => {
        this.#ready = undefined;
        this.#fail(error as RouterError);
        throw error;
      });
    return this.#ready;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.ready.catch(() => undefined);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#client?.terminate();
    this.#client = undefined;
    this.#ready = undefined;
  }

  /** Routes one prompt and resolves with the answer; rejects with a RouterError (its `code`). */
  send(text: string): Promise<SendResult> {
    const run = this.#queue.then(() => this.#send(text));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #send(text: string): Promise<SendResult> {
    await this.ready;
    const history: ChatMessage[] = this.turns.filter((t) => t.role !== 'error').map((t) => ({ role: t.role as 'user' | 'assistant', content: t.text }));
    const messages: ChatMessage[] = [...history, { role: 'user', content: text }];
    this.turns = [...this.turns, { role: 'user', text }];
    const answer: Turn = { role: 'assistant', text: '' };
    this.busy = true;
    let decision: Decision | undefined;
    let failure: ErrorPayload | undefined;
    let model = '';
    try {
      await this.#client!.route(
        { messages, costWeight: this.costWeight, riskLevel: this.riskLevel, mode: this.mode, endpoint: this.endpoint, maxTokens: this.maxTokens },
        (event: RouteEvent) => {
          if (event.type === 'decision') {
            decision = event.decision;
            answer.decision = decision;
            this.turns = [...this.turns, answer];
            this.#emit('riskgate-decision', { ...decision });
          } else if (event.type === 'token') {
            answer.text += event.text;
            this.turns = [...this.turns];
            this.#emit('riskgate-token', { text: event.text, path: decision?.path });
          } else if (event.type === 'done') {
            model = event.model;
            answer.servedBy = event.model;
            this.turns = [...this.turns];
            this.#emit('riskgate-done', { path: event.path, model: event.model, text: answer.text, finishReason: event.finishReason, usage: event.usage, timings: event.timings });
          } else {
            failure = event.error;
          }
        },
      );
    } finally {
      this.busy = false;
    }
    if (failure || !decision) {
      if (answer.decision && answer.text === '') this.turns = this.turns.filter((t) => t !== answer);
      const error = fromErrorPayload(failure ?? { code: 'internal_error', message: 'no decision was made' });
      this.#fail(error);
      throw error;
    }
    return { path: decision.path, text: answer.text, decision, model };
  }

  #fail(error: RouterError): void {
    const code = error.code ?? 'internal_error';
    this.turns = [...this.turns, { role: 'error', text: error.message, code }];
    this.#emit('riskgate-error', { code, message: error.message });
  }

  #emit(name: string, detail: object): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #onSubmit(event: Event): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[name="prompt"]')!;
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    this.send(text).catch(() => undefined); // shown in the message list and as riskgate-error
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('turns')) this.renderRoot.querySelector('ol')?.scrollTo({ top: 1e9 });
  }

  override render() {
    const grid = this.status?.grid;
    const option = (value: number, current: number) => html`<option value=${value} ?selected=${value === current}>${value}</option>`;
    return html`
      <header part="header">
        <label>cost weight λ
          <select name="cost-weight" @change=${(e: Event) => (this.costWeight = Number((e.target as HTMLSelectElement).value))}>
            ${(grid?.costWeights ?? [this.costWeight]).map((v) => option(v, this.costWeight))}
          </select></label>
        <label>risk level α
          <select name="risk-level" @change=${(e: Event) => (this.riskLevel = Number((e.target as HTMLSelectElement).value))}>
            ${(grid?.riskLevels ?? [this.riskLevel]).map((v) => option(v, this.riskLevel))}
          </select></label>
        <label>mode
          <select name="mode" @change=${(e: Event) => (this.mode = (e.target as HTMLSelectElement).value as RouteMode)}>
            ${(['auto', 'local', 'edge'] as const).map((m) => html`<option ?selected=${m === this.mode}>${m}</option>`)}
          </select></label>
        <span class="status" part="status">${this.status
          ? `${this.status.engine ? `local: ${this.status.engine.model} (${this.status.engine.backend}${this.status.engine.backend === 'wasm' ? `, ${this.status.capabilities.wasmThreads} thread${this.status.capabilities.wasmThreads > 1 ? 's' : ''}` : ''})` : 'edge only'} · ${this.status.capabilities.rung}: ${this.status.capabilities.reason} · thresholds from ${this.status.thresholdsSource}${this.status.storageNotice ? ` · ⚠ ${this.status.storageNotice}` : ''}`
          : html`${this.progress?.text ?? 'loading local model…'} <progress part="progress" max=${this.progress?.total ?? nothing} value=${this.progress?.total ? this.progress.loaded : nothing}></progress>
            <button type="button" part="cancel" class="cancel" @click=${() => this.cancelLoad()}>Cancel</button>`}</span>
      </header>
      <ol part="messages">
        ${this.turns.map((t) => html`<li class=${t.role} part="bubble ${t.role}" data-code=${t.code ?? nothing}>${t.role === 'error' ? `⚠ ${t.code}: ` : ''}${t.text}${t.decision ? this.#badge(t.decision, t.servedBy) : nothing}</li>`)}
      </ol>
      <form @submit=${this.#onSubmit} part="form">
        <input type="text" name="prompt" part="input" placeholder="Once upon a time" autocomplete="off" />
        <button type="submit" ?disabled=${this.busy}>Send</button>
      </form>`;
  }

  #badge(d: Decision, servedBy: string | undefined) {
    const forced = d.mode === 'auto' ? '' : ` · forced ${d.mode}`;
    return html`<span class="badge" part="badge" data-path=${d.path}><b class=${d.path}>${d.path}</b> · ${Number.isNaN(d.score) ? 'no local engine' : `score ${d.score.toFixed(3)} · τ ${formatThreshold(d.threshold)}`} · λ ${d.costWeight} · α ${d.riskLevel} · ${servedBy ?? d.model}${forced}</span>`;
  }
}

if (!customElements.get('riskgate-chat')) customElements.define('riskgate-chat', RiskgateChat);

declare global {
  interface HTMLElementTagNameMap { 'riskgate-chat': RiskgateChat }
}
