/**
 * @module controllers/conversation
 * A Lit reactive controller for one conversation: the turns on screen, the order prompts run in
 * (one after the other, as the worker does), Stop, Retry, Clear, the session tally, and what
 * happens when the edge cannot be reached (`offline`: queue the prompt in the outbox, or answer it
 * on the device and offer to ask the edge later). A prompt sent before the model is ready waits
 * on screen and runs when it is; nothing typed is dropped. The turns are kept in IndexedDB.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { RouterError, fromErrorPayload, type ErrorPayload } from '../../core/errors.js';
import type { ChatMessage, RouteMode, RoutePath } from '../../core/protocol/chat.js';
import type { Decision, RouteEvent, RouteFinishReason, RouteRequest } from '../../core/protocol/worker-api.js';
import { newEntry, waitsForNetwork, type OutboxEntry } from '../../core/offline/outbox.js';
import type { WorkerConnection } from './worker-connection.js';
import {
  historyBefore,
  insertAfter,
  lastTurnOf,
  sessionStats,
  userTurnOf,
  type AnswerTurn,
  type ErrorTurn,
  type SessionStats,
  type Turn,
  type UserTurn,
} from './turns.js';

export type { AnswerTurn, ErrorTurn, SessionStats, Turn, UserTurn };
import { loadConversation, saveConversation } from '../offline/conversation-store.js';

export type SendResult = {
  path: RoutePath;
  text: string;
  decision: Decision;
  model: string;
  finishReason: RouteFinishReason;
  queued?: string;
};
export type OfflinePolicy = 'queue' | 'local';

type Emit = (name: string, detail: object) => void;
export type ConversationOptions = {
  readonly request: () => Omit<RouteRequest, 'messages'>;
  /** The Authorization header for the edge (a widget token), fresh when `refresh` (after a 401). */
  readonly authorization: (refresh: boolean) => Promise<string | undefined>;
  readonly offline: () => OfflinePolicy;
  /** The conversation's storage name; null = not kept. */
  readonly storageName: () => string | null;
  readonly queue: (entry: OutboxEntry) => Promise<void>;
  readonly unqueue: (id: string) => Promise<void>;
  readonly emit: Emit;
  /** An answer the gate kept on the device, finished: the page may check it against the edge (shadow checks). */
  readonly answeredHere?: (decision: Decision, messages: readonly ChatMessage[], text: string) => void;
};

type Outcome = { answer: AnswerTurn | undefined; failure: ErrorPayload | undefined };

export class Conversation implements ReactiveController {
  turns: Turn[] = [];
  busy = false;
  storageNotice: string | null = null;
  #nextId = 1;
  #cleared: Turn[] | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #restored: Promise<void> = Promise.resolve();
  #saving = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly connection: WorkerConnection,
    private readonly options: ConversationOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const name = this.options.storageName();
    if (!name) return;
    this.#restored = loadConversation<Turn>(name).then((saved) => {
      if (!saved || this.turns.length > 0) return;
      // An answer that was streaming when the page went away ends there, marked stopped.
      this.turns = saved.turns.map((t) =>
        t.role === 'assistant' && t.streaming ? { ...t, streaming: false, finishReason: 'aborted' } : t,
      );
      this.#nextId = saved.nextId;
      this.host.requestUpdate();
    });
    this.#queue = this.#queue.then(() => this.#restored);
  }

  /** Resolves once the saved conversation (if any) is on screen. */
  get restored(): Promise<void> {
    return this.#restored;
  }

  send(text: string): Promise<SendResult> {
    if (typeof text !== 'string' || text.trim() === '') {
      const error = new RouterError('invalid_request', 'the message is empty');
      this.options.emit('riskgate-error', { code: error.code, message: error.message });
      return Promise.reject(error);
    }
    const turn: UserTurn = {
      id: this.#nextId++,
      role: 'user',
      text,
      state: this.connection.status ? 'sent' : 'waiting',
    };
    this.#push(turn);
    return this.#inTurn(() => this.#run(turn));
  }

  /** Prompts are answered one at a time, in order: `work` starts when everything before it ended. */
  #inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** A finished answer and the prompt it answers. */
  #answered(answerId: number): { answer: AnswerTurn; prompt: UserTurn } | undefined {
    const answer = this.turns.find((t): t is AnswerTurn => t.id === answerId && t.role === 'assistant');
    const prompt = this.turns.find((t): t is UserTurn => t.role === 'user' && t.id === answer?.promptId);
    return answer && prompt ? { answer, prompt } : undefined;
  }

  /** Stops the answer being produced; it ends with finishReason 'aborted' and keeps its text. */
  stop(): void {
    if (this.busy) void this.connection.client?.remote.stopRoute();
  }

  /** Empties the conversation; its queued prompts are cancelled with it. */
  clear(): void {
    this.stop();
    for (const t of this.turns)
      if (t.role === 'user' && t.outboxId && t.state === 'queued') void this.options.unqueue(t.outboxId);
    // Kept for Undo; a prompt that was waiting in the outbox comes back unsent (Retry sends it).
    this.#cleared = this.turns.map((t) =>
      t.role === 'user' && t.state === 'queued' ? { ...t, state: 'unsent' as const } : t,
    );
    this.turns = [];
    this.#changed();
  }

  /** Brings back the conversation the last `clear()` removed, if nothing was said since. */
  undoClear(): boolean {
    if (!this.#cleared || this.turns.length > 0) return false;
    this.turns = this.#cleared;
    this.#cleared = undefined;
    this.#changed();
    return true;
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
    this.#changed();
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

  /** Cancels a queued prompt: out of the outbox, marked unsent (its text stays on screen). */
  async cancelQueued(outboxId: string): Promise<void> {
    await this.options.unqueue(outboxId);
    const turn = userTurnOf(this.turns, outboxId);
    if (turn) {
      turn.state = 'unsent';
      this.#changed();
    }
  }

  /** Answers the device gave offline: "ask the edge when back online" queues the prompt again. */
  async askEdgeLater(answerId: number): Promise<void> {
    const found = this.#answered(answerId);
    if (found) await this.#enqueue(found.prompt, historyBefore(this.turns, found.prompt));
  }

  /**
   * "Not good enough?" on a local answer: the same prompt (with the same history) goes to the edge
   * now, and its answer appears under the device's, so the visitor sees both. The page gets
   * `riskgate-feedback` with both texts and the decision: a label (the device's answer was judged
   * worse) for whoever tunes the operating point (issue 15). Offline, the prompt is queued instead.
   */
  askEdge(answerId: number): Promise<SendResult | undefined> {
    const found = this.#answered(answerId);
    if (!found || found.answer.decision.path !== 'local' || found.answer.streaming || found.answer.askedEdge)
      return Promise.resolve(undefined);
    const { answer, prompt } = found;
    answer.askedEdge = true;
    this.#changed();
    return this.#inTurn(async () => {
      const messages = historyBefore(this.turns, prompt);
      const { answer: edge, failure } = await this.#route(prompt, messages, { mode: 'edge' });
      if (failure && waitsForNetwork(failure) && !(edge && edge.text !== '')) {
        if (edge) this.#remove(edge);
        await this.#enqueue(prompt, messages);
        return undefined;
      }
      if (failure || !edge) this.#failed(prompt, edge, failure);
      this.options.emit('riskgate-feedback', {
        prompt: prompt.text,
        local: answer.text,
        edge: edge.text,
        edgeModel: edge.servedBy,
        decision: { ...answer.decision },
      });
      return this.#result(edge);
    });
  }

  /**
   * Delivers one outbox entry (called by the outbox's scheduler): the edge answers the queued
   * prompt with the entry id as Idempotency-Key, and the answer lands under its own prompt.
   * @throws RouterError when the delivery failed (the scheduler backs off, or gives up if it cannot work later).
   */
  deliver(entry: OutboxEntry): Promise<SendResult> {
    return this.#inTurn(async () => {
      const prompt = userTurnOf(this.turns, entry.id);
      // Answered already (the page went away between the answer and the outbox update).
      const existing =
        prompt &&
        this.turns.find(
          (t): t is AnswerTurn =>
            t.role === 'assistant' && t.promptId === prompt.id && t.decision.path === 'edge' && !t.streaming,
        );
      if (existing) return this.#result(existing);
      await this.connection.ready();
      const target =
        prompt ??
        (this.#push({
          id: this.#nextId++,
          role: 'user',
          text: entry.messages.at(-1)!.content,
          state: 'queued',
          outboxId: entry.id,
        }) as UserTurn);
      const { answer, failure } = await this.#route(target, entry.messages, { mode: 'edge', requestId: entry.id });
      if (failure || !answer) {
        if (answer && answer.text === '') this.#remove(answer);
        throw fromErrorPayload(failure ?? { code: 'internal_error', message: 'the answer ended without a result' });
      }
      target.state = 'sent';
      this.#changed();
      return this.#result(answer);
    });
  }

  /** The outbox gave up on an entry it can never deliver: the prompt gets an error turn with Retry. */
  undeliverable(entry: OutboxEntry, error: RouterError): void {
    const prompt = userTurnOf(this.turns, entry.id);
    if (prompt) prompt.state = 'unsent';
    this.#fail(error, entry.messages.at(-1)!.content, prompt);
  }

  get stats(): SessionStats {
    return sessionStats(this.turns);
  }

  async #run(prompt: UserTurn): Promise<SendResult> {
    try {
      await this.connection.ready();
    } catch (thrown) {
      // The load failure is on screen once, with its Retry (reportLoadFailure); the prompt stays, unsent.
      prompt.state = 'unsent';
      this.#changed();
      throw thrown;
    }
    prompt.state = 'sent';
    const messages = historyBefore(this.turns, prompt);
    let { answer, failure } = await this.#route(prompt, messages, {});
    // The edge could not be reached (offline, DNS, proxy down): nothing is lost. An error the proxy
    // answered is shown as that error, with Retry (waitsForNetwork).
    if (failure && waitsForNetwork(failure) && !(answer && answer.text !== '')) {
      if (answer) this.#remove(answer);
      if (this.options.offline() === 'local' && this.connection.status?.engine) {
        ({ answer, failure } = await this.#route(prompt, messages, { mode: 'local' }));
        if (answer && !failure) {
          answer.offlineLocal = true;
          this.#changed();
        }
      } else {
        await this.#enqueue(prompt, messages);
        return {
          path: 'edge',
          text: '',
          decision: answer?.decision as Decision,
          model: 'edge',
          finishReason: 'stop',
          queued: prompt.outboxId!,
        };
      }
    }
    if (failure || !answer) this.#failed(prompt, answer, failure);
    const d = answer.decision;
    // Stopped answers too: the shadow draw was made at the decision, whatever the answer became.
    if (d.path === 'local' && d.reason === 'gate' && !answer.offlineLocal)
      this.options.answeredHere?.(d, messages, answer.text);
    return this.#result(answer);
  }

  /** A prompt that got no answer: an empty answer bubble goes, an error turn with Retry comes. */
  #failed(prompt: UserTurn, answer: AnswerTurn | undefined, failure: ErrorPayload | undefined): never {
    if (answer && answer.text === '') this.#remove(answer);
    else if (answer) answer.streaming = false;
    const error = fromErrorPayload(failure ?? { code: 'internal_error', message: 'the answer ended without a result' });
    this.#fail(error, prompt.text, prompt);
    throw error;
  }

  /** One route; a 401 from the edge asks the page for a fresh token and tries once more. */
  async #route(
    prompt: UserTurn,
    messages: ChatMessage[] | readonly ChatMessage[],
    override: { mode?: RouteMode; requestId?: string },
  ): Promise<Outcome> {
    const first = await this.#routeOnce(prompt, messages, override, await this.options.authorization(false));
    if (first.failure?.httpStatus !== 401 || (first.answer && first.answer.text !== '')) return first;
    if (first.answer) this.#remove(first.answer);
    const fresh = await this.options.authorization(true).catch(() => undefined);
    return fresh ? this.#routeOnce(prompt, messages, override, fresh) : first;
  }

  async #routeOnce(
    prompt: UserTurn,
    messages: ChatMessage[] | readonly ChatMessage[],
    override: { mode?: RouteMode; requestId?: string },
    authorization: string | undefined,
  ): Promise<Outcome> {
    this.busy = true;
    this.host.requestUpdate();
    const outcome: Outcome = { answer: undefined, failure: undefined };
    const emit = this.options.emit;
    try {
      await this.connection.client!.route(
        { ...this.options.request(), ...override, ...(authorization ? { authorization } : {}), messages },
        (event: RouteEvent) => {
          if (event.type === 'decision') {
            outcome.answer = {
              id: this.#nextId++,
              role: 'assistant',
              text: '',
              decision: event.decision,
              streaming: true,
              promptId: prompt.id,
            };
            this.#push(outcome.answer, lastTurnOf(this.turns, prompt));
            emit('riskgate-decision', { ...event.decision });
          } else if (event.type === 'token' && outcome.answer) {
            outcome.answer.text += event.text;
            this.host.requestUpdate();
            emit('riskgate-token', { text: event.text, path: outcome.answer.decision.path });
          } else if (event.type === 'done' && outcome.answer) {
            Object.assign(outcome.answer, {
              streaming: false,
              servedBy: event.model,
              finishReason: event.finishReason,
              timings: event.timings,
              usage: event.usage,
            });
            this.#changed();
            emit('riskgate-done', {
              path: event.path,
              model: event.model,
              text: outcome.answer.text,
              finishReason: event.finishReason,
              usage: event.usage,
              timings: event.timings,
            });
          } else if (event.type === 'error') {
            outcome.failure = event.error;
          }
        },
      );
    } catch (thrown) {
      outcome.failure = { code: (thrown as RouterError).code ?? 'internal_error', message: (thrown as Error).message };
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
    if (outcome.failure && outcome.answer?.streaming) outcome.answer.streaming = false;
    return outcome;
  }

  async #enqueue(prompt: UserTurn, messages: readonly ChatMessage[]): Promise<void> {
    const entry = newEntry(crypto.randomUUID(), this.options.storageName() ?? 'page', messages, Date.now());
    prompt.state = 'queued';
    prompt.outboxId = entry.id;
    this.#changed();
    await this.options.queue(entry);
  }

  #result(answer: AnswerTurn): SendResult {
    return {
      path: answer.decision.path,
      text: answer.text,
      decision: answer.decision,
      model: answer.servedBy ?? answer.decision.model,
      finishReason: answer.finishReason!,
    };
  }

  #fail(error: RouterError, retry: string, after: UserTurn | undefined): void {
    const code = error.code ?? 'internal_error';
    const status = error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {};
    this.#push(
      { id: this.#nextId++, role: 'error', code, message: error.message, retry, ...status },
      after && lastTurnOf(this.turns, after),
    );
    this.options.emit('riskgate-error', { code, message: error.message, ...status });
    // A deployment problem the visitor cannot fix: the site owner reads it in the console.
    if (code === 'edge_cors_refused' || error.httpStatus === 401) console.warn(`riskgate: ${error.message}`);
  }

  #remove(turn: Turn): void {
    this.turns = this.turns.filter((t) => t !== turn);
    this.#changed();
  }

  /** Appends a turn, or puts it right after `after` (an answer lands under its own prompt when prompts were queued). */
  #push(turn: Turn, after?: Turn): Turn {
    this.turns = insertAfter(this.turns, turn, after);
    this.#changed();
    return turn;
  }

  /** Re-render, and keep the conversation (once per task, not per token). */
  #changed(): void {
    this.host.requestUpdate();
    const name = this.options.storageName();
    if (!name || this.#saving) return;
    this.#saving = true;
    queueMicrotask(() => {
      this.#saving = false;
      void saveConversation(name, this.turns, this.#nextId).then((notice) => {
        if (notice !== this.storageNotice) {
          this.storageNotice = notice;
          this.host.requestUpdate();
        }
      });
    });
  }
}
