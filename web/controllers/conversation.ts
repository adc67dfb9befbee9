/**
 * @module controllers/conversation
 * A Lit reactive controller for one conversation: the turns on screen, the order prompts run in
 * (one after the other, as the worker does), Stop, Retry, Clear and the session tally. A prompt
 * sent before the model is ready waits on screen and runs when it is; if loading fails it stays
 * on screen, marked unsent, with a Retry (never dropped).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { RouterError, fromErrorPayload, type ErrorPayload } from '../../core/errors.js';
import type { ChatMessage, RoutePath } from '../../core/protocol/chat.js';
import type { Decision, RouteEvent, RouteFinishReason, RouteRequest, Timings } from '../../core/protocol/worker-api.js';
import type { WorkerConnection } from './worker-connection.js';

export type UserTurn = { readonly id: number; readonly role: 'user'; readonly text: string; state: 'waiting' | 'sent' | 'unsent' };
export type AnswerTurn = {
  readonly id: number; readonly role: 'assistant'; text: string; decision: Decision; streaming: boolean;
  servedBy?: string; finishReason?: RouteFinishReason; timings?: Timings; usage?: { promptTokens: number; completionTokens: number };
};
/** `retry`: the prompt to send again; `reload`: the model failed to load (Retry reloads it, then sends every unsent prompt). */
export type ErrorTurn = { readonly id: number; readonly role: 'error'; readonly code: string; readonly message: string; readonly retry?: string; readonly reload?: true };
export type Turn = UserTurn | AnswerTurn | ErrorTurn;

export type SendResult = { path: RoutePath; text: string; decision: Decision; model: string; finishReason: RouteFinishReason };

/** The session tally shown in the footer and exposed as `element.stats`. */
export type SessionStats = {
  readonly prompts: number;
  readonly answeredLocally: number;
  readonly answeredByEdge: number;
  /** Prompt and answer tokens of the local answers: what the edge did not have to process. */
  readonly tokensKeptOnDevice: number;
  /**
   * (mean edge answer time − mean local answer time) × local answers, from this session's own
   * timings; null until both paths have answered at least once.
   */
  readonly estimatedTimeSavedMs: number | null;
};

type Emit = (name: string, detail: object) => void;
type RequestOptions = () => Omit<RouteRequest, 'messages'>;

export class Conversation implements ReactiveController {
  turns: Turn[] = [];
  busy = false;
  #nextId = 1;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly connection: WorkerConnection,
    private readonly options: RequestOptions,
    private readonly emit: Emit,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  send(text: string): Promise<SendResult> {
    if (typeof text !== 'string' || text.trim() === '') {
      const error = new RouterError('invalid_request', 'the message is empty');
      this.emit('riskgate-error', { code: error.code, message: error.message });
      return Promise.reject(error);
    }
    const turn: UserTurn = { id: this.#nextId++, role: 'user', text, state: this.connection.status ? 'sent' : 'waiting' };
    this.#push(turn);
    const run = this.#queue.then(() => this.#run(turn));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the answer being produced; it ends with finishReason 'aborted' and keeps its text. */
  stop(): void {
    if (this.busy) void this.connection.client?.remote.stopRoute();
  }

  clear(): void {
    this.stop();
    this.turns = [];
    this.host.requestUpdate();
  }

  /** The model failed to load: one error turn with a Retry (prompts waiting on it are marked unsent). */
  reportLoadFailure(error: RouterError): void {
    this.turns = this.turns.filter((t) => !(t.role === 'error' && t.reload));
    for (const t of this.turns) if (t.role === 'user' && t.state === 'waiting') t.state = 'unsent';
    this.#push({ id: this.#nextId++, role: 'error', code: error.code, message: error.message, reload: true });
  }

  /**
   * Retry on an error turn: a failed load is loaded again and every unsent prompt is sent, in
   * order; a failed prompt is sent again. Resolves when the retried prompts are answered.
   */
  async retry(errorId: number): Promise<void> {
    const error = this.turns.find((t): t is ErrorTurn => t.id === errorId && t.role === 'error');
    if (!error) throw new RouterError('invalid_request', 'nothing to retry');
    this.turns = this.turns.filter((t) => t !== error);
    this.host.requestUpdate();
    if (error.reload) {
      await this.connection.retry().catch(() => undefined); // a second failure reports itself
      if (this.connection.state.phase !== 'ready') return;
      const unsent = this.turns.filter((t): t is UserTurn => t.role === 'user' && t.state === 'unsent');
      this.turns = this.turns.filter((t) => !unsent.includes(t as UserTurn));
      await Promise.allSettled(unsent.map((t) => this.send(t.text)));
      return;
    }
    if (error.retry === undefined) return;
    const prompt = error.retry;
    this.turns = this.turns.filter((t) => !(t.role === 'user' && t.state === 'unsent' && t.text === prompt));
    await this.send(prompt).catch(() => undefined);
  }

  get stats(): SessionStats {
    const answers = this.turns.filter((t): t is AnswerTurn => t.role === 'assistant' && !t.streaming);
    const local = answers.filter((a) => a.decision.path === 'local');
    const edge = answers.filter((a) => a.decision.path === 'edge');
    const mean = (xs: AnswerTurn[]) => xs.reduce((s, a) => s + (a.timings?.totalMs ?? 0), 0) / xs.length;
    return {
      prompts: answers.length,
      answeredLocally: local.length,
      answeredByEdge: edge.length,
      tokensKeptOnDevice: local.reduce((s, a) => s + (a.usage ? a.usage.promptTokens + a.usage.completionTokens : 0), 0),
      estimatedTimeSavedMs: local.length > 0 && edge.length > 0 ? Math.max(0, mean(edge) - mean(local)) * local.length : null,
    };
  }

  async #run(prompt: UserTurn): Promise<SendResult> {
    try {
      await this.connection.ready();
    } catch (thrown) {
      // The load failure is on screen once, with its Retry (reportLoadFailure); the prompt stays, unsent.
      prompt.state = 'unsent';
      this.host.requestUpdate();
      throw thrown;
    }
    prompt.state = 'sent';
    const messages = this.#history(prompt);
    this.busy = true;
    this.host.requestUpdate();
    let answer: AnswerTurn | undefined;
    let failure: ErrorPayload | undefined;
    try {
      await this.connection.client!.route({ ...this.options(), messages }, (event: RouteEvent) => {
        if (event.type === 'decision') {
          answer = { id: this.#nextId++, role: 'assistant', text: '', decision: event.decision, streaming: true };
          this.#push(answer, prompt);
          this.emit('riskgate-decision', { ...event.decision });
        } else if (event.type === 'token' && answer) {
          answer.text += event.text;
          this.host.requestUpdate();
          this.emit('riskgate-token', { text: event.text, path: answer.decision.path });
        } else if (event.type === 'done' && answer) {
          Object.assign(answer, { streaming: false, servedBy: event.model, finishReason: event.finishReason, timings: event.timings, usage: event.usage });
          this.host.requestUpdate();
          this.emit('riskgate-done', { path: event.path, model: event.model, text: answer.text, finishReason: event.finishReason, usage: event.usage, timings: event.timings });
        } else if (event.type === 'error') {
          failure = event.error;
        }
      });
    } catch (thrown) {
      failure = { code: (thrown as RouterError).code ?? 'internal_error', message: (thrown as Error).message };
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
    if (failure || !answer || answer.streaming) {
      if (answer && answer.text === '') this.turns = this.turns.filter((t) => t !== answer);
      else if (answer) answer.streaming = false;
      const error = fromErrorPayload(failure ?? { code: 'internal_error', message: 'the answer ended without a result' });
      this.#fail(error, prompt.text, prompt);
      throw error;
    }
    return { path: answer.decision.path, text: answer.text, decision: answer.decision, model: answer.servedBy ?? answer.decision.model, finishReason: answer.finishReason! };
  }

  /** The conversation before `prompt` as the models read it: sent prompts and the answers they got. */
  #history(prompt: UserTurn): ChatMessage[] {
    const messages: ChatMessage[] = [];
    for (const t of this.turns) {
      if (t === prompt) break;
      if (t.role === 'user' && t.state === 'sent') messages.push({ role: 'user', content: t.text });
      else if (t.role === 'assistant' && t.text !== '') messages.push({ role: 'assistant', content: t.text });
    }
    // Two user messages in a row (a failed turn between them) read as one conversation anyway.
    return [...messages, { role: 'user', content: prompt.text }];
  }

  #fail(error: RouterError, retry: string, after: UserTurn): void {
    const code = error.code ?? 'internal_error';
    this.#push({ id: this.#nextId++, role: 'error', code, message: error.message, retry }, after);
    this.emit('riskgate-error', { code, message: error.message });
  }

  /** Appends a turn, or puts it right after `after` (an answer lands under its own prompt when prompts were queued). */
  #push(turn: Turn, after?: UserTurn): void {
    const at = after ? this.turns.indexOf(after) : -1;
    this.turns = at < 0 ? [...this.turns, turn] : [...this.turns.slice(0, at + 1), turn, ...this.turns.slice(at + 1)];
    this.host.requestUpdate();
  }
}
