/**
 * @module controllers/conversation
 * A Lit reactive controller for one conversation: the turns on screen, prompts run one after the
 * other (as the worker does), Stop, Retry, Clear, Edit and Ask again, the session tally, and an
 * edge out of reach (`offline`: queue in the outbox, or answer on the device and offer to ask the
 * edge later). A prompt sent before the model is ready waits on screen; nothing typed is dropped.
 * Parts: turn-list.ts, answer-stream.ts (one route into the turns), queued-prompts.ts (the outbox).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type ErrorPayload, RouterError } from '../../core/errors.js';
import { type OutboxEntry, waitsForNetwork } from '../../core/offline/outbox.js';
import type { ChatMessage } from '../../core/protocol/chat.js';
import type { Decision } from '../../core/protocol/worker-api.js';
import {
  type AnswerStreamContext,
  failureOf,
  type Outcome,
  type RouteOverride,
  resultOf,
  routeAnswer,
  type SendResult,
  showFailure,
} from './answer-stream.js';
import {
  cancelQueuedPrompt,
  deliverEntry,
  enqueuePrompt,
  giveUpOnEntry,
  type QueueContext,
  queuedResult,
} from './queued-prompts.js';
import { type BeforeSend, outgoingMessage } from './outgoing-message.js';
import { TurnList } from './turn-list.js';
import {
  type AnswerTurn,
  type ErrorTurn,
  historyBefore,
  type SessionStats,
  sessionStats,
  type Turn,
  type UserTurn,
} from './turns.js';
import type { WorkerConnection } from './worker-connection.js';

export type { SendResult } from './answer-stream.js';
export type { AnswerTurn, ErrorTurn, SessionStats, Turn, UserTurn };
export type OfflinePolicy = 'queue' | 'local';

/** What the host gives the conversation: the request, the token, the outbox and the page's events. */
export type ConversationOptions = Pick<AnswerStreamContext, 'request' | 'authorization' | 'emit'> &
  Omit<QueueContext, 'stream'> & {
    readonly offline: () => OfflinePolicy;
    /** The page's `riskgate-send` (outgoing-message.ts): false when it cancelled the message. */
    readonly beforeSend: BeforeSend;
    /** The site's system prompt ('' for none): the first message of every request. */
    readonly systemPrompt: () => string;
    /** An answer the gate kept on the device, finished: the page may check it against the edge (shadow checks). */
    readonly answeredHere?: (decision: Decision, messages: readonly ChatMessage[], text: string) => void;
  };

export class Conversation implements ReactiveController {
  busy = false;
  readonly #list: TurnList;
  readonly #stream: AnswerStreamContext;
  readonly #queued: QueueContext;
  #queue: Promise<unknown> = Promise.resolve();
  #restored: Promise<void> = Promise.resolve();

  constructor(
    host: ReactiveControllerHost,
    private readonly connection: WorkerConnection,
    private readonly options: ConversationOptions,
  ) {
    this.#list = new TurnList(host, options.storageName);
    const busy = (busy: boolean) => {
      this.busy = busy;
      host.requestUpdate();
    };
    const { request, emit, authorization } = options;
    this.#stream = { connection, list: this.#list, request, emit, authorization, busy };
    this.#queued = {
      stream: this.#stream,
      storageName: options.storageName,
      queue: options.queue,
      unqueue: options.unqueue,
    };
    host.addController(this);
  }

  hostConnected(): void {
    this.#restored = this.#list.restore();
    this.#queue = this.#queue.then(() => this.#restored);
  }

  get turns(): readonly Turn[] {
    return this.#list.turns;
  }

  get storageNotice(): string | null {
    return this.#list.storageNotice;
  }

  /** Resolves once the saved conversation (if any) is on screen. */
  get restored(): Promise<void> {
    return this.#restored;
  }

  send(typed: string): Promise<SendResult> {
    const text = outgoingMessage(typed, this.options.beforeSend);
    if (text instanceof RouterError) {
      this.options.emit('riskgate-error', { code: text.code, message: text.message });
      return Promise.reject(text);
    }
    const turn: UserTurn = {
      id: this.#list.newId(),
      role: 'user',
      text,
      state: this.connection.status ? 'sent' : 'waiting',
    };
    this.#list.push(turn);
    return this.#inTurn(() => this.#run(turn));
  }

  /** Prompts are answered one at a time, in order: `work` starts when everything before it ended. */
  #inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the answer being produced; it ends with finishReason 'aborted' and keeps its text. */
  stop(): void {
    if (this.busy) void this.connection.client?.remote.stopRoute();
  }

  /** Empties the conversation; its queued prompts are cancelled with it. */
  clear(): void {
    this.stop();
    for (const t of this.#list.turns)
      if (t.role === 'user' && t.outboxId && t.state === 'queued') void this.options.unqueue(t.outboxId);
    this.#list.clear();
  }

  /** Brings back the conversation the last `clear()` removed, if nothing was said since. */
  undoClear(): boolean {
    return this.#list.undoClear();
  }

  /** Edit or Ask again (turn-list.ts `takeBack`): the last prompt's text, out of the conversation. */
  takeBack(turnId: number): string | undefined {
    return this.busy ? undefined : this.#list.takeBack(turnId)?.text;
  }

  /** The model failed to load: one error turn with a Retry (prompts waiting on it are marked unsent). */
  reportLoadFailure(error: RouterError): void {
    this.#list.loadFailed(error);
  }

  /**
   * Retry on an error turn: a failed load is loaded again and every unsent prompt is sent, in
   * order; a failed prompt is sent again. Resolves when the retried prompts are answered.
   */
  async retry(errorId: number): Promise<void> {
    const error = this.#list.turns.find((t): t is ErrorTurn => t.id === errorId && t.role === 'error');
    if (!error) throw new RouterError('invalid_request', 'nothing to retry');
    this.#list.turns = this.#list.turns.filter((t) => t !== error);
    this.#list.changed();
    if (error.reload) {
      await this.connection.retry().catch(() => undefined); // a second failure reports itself
      if (this.connection.state.phase !== 'ready') return;
      const unsent = this.#list.turns.filter((t): t is UserTurn => t.role === 'user' && t.state === 'unsent');
      this.#list.turns = this.#list.turns.filter((t) => !unsent.includes(t as UserTurn));
      await Promise.allSettled(unsent.map((t) => this.send(t.text)));
      return;
    }
    if (error.retry === undefined) return;
    const prompt = error.retry;
    this.#list.turns = this.#list.turns.filter(
      (t) => !(t.role === 'user' && t.state === 'unsent' && t.text === prompt),
    );
    await this.send(prompt).catch(() => undefined);
  }

  /** Cancels a queued prompt: out of the outbox, marked unsent (its text stays on screen). */
  cancelQueued(outboxId: string): Promise<void> {
    return cancelQueuedPrompt(this.#queued, outboxId);
  }

  /** Answers the device gave offline: "ask the edge when back online" queues the prompt again. */
  async askEdgeLater(answerId: number): Promise<void> {
    const found = this.#list.answered(answerId);
    if (found) await this.#enqueue(found.prompt, this.#history(found.prompt));
  }

  /**
   * "Not good enough?" on a local answer: the same prompt (with the same history) goes to the edge
   * now, and its answer appears under the device's, so the visitor sees both. The page gets
   * `riskgate-feedback` with both texts and the decision: a label (the device's answer was judged
   * worse) for whoever tunes the operating point (issue 15). Offline, the prompt is queued instead.
   */
  askEdge(answerId: number): Promise<SendResult | undefined> {
    const found = this.#list.answered(answerId);
    if (found?.answer.decision.path !== 'local' || found.answer.streaming || found.answer.askedEdge)
      return Promise.resolve(undefined);
    const { answer, prompt } = found;
    answer.askedEdge = true;
    this.#list.changed();
    return this.#inTurn(async () => {
      const messages = this.#history(prompt);
      const { answer: edge, failure } = await this.#route(prompt, messages, { mode: 'edge' });
      if (failure && waitsForNetwork(failure) && !(edge && edge.text !== '')) {
        if (edge) this.#list.remove(edge);
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
      return resultOf(edge);
    });
  }

  /** Delivers one outbox entry (called by the outbox's scheduler), in turn with the prompts typed. */
  deliver(entry: OutboxEntry): Promise<SendResult> {
    return this.#inTurn(() => deliverEntry(this.#queued, entry));
  }

  /** The outbox gave up on an entry it can never deliver: the prompt gets an error turn with Retry. */
  undeliverable(entry: OutboxEntry, error: RouterError): void {
    giveUpOnEntry(this.#queued, entry, error);
  }

  get stats(): SessionStats {
    return sessionStats(this.#list.turns);
  }

  async #run(prompt: UserTurn): Promise<SendResult> {
    try {
      await this.connection.ready();
    } catch (thrown) {
      // The load failure is on screen once, with its Retry (reportLoadFailure); the prompt stays, unsent.
      prompt.state = 'unsent';
      this.#list.changed();
      throw thrown;
    }
    prompt.state = 'sent';
    const messages = this.#history(prompt);
    let { answer, failure } = await this.#route(prompt, messages, {});
    // The edge could not be reached (offline, DNS, proxy down): nothing is lost. An error the proxy
    // answered is shown as that error, with Retry (waitsForNetwork).
    if (failure && waitsForNetwork(failure) && !(answer && answer.text !== '')) {
      if (answer) this.#list.remove(answer);
      if (this.options.offline() === 'local' && this.connection.status?.engine) {
        ({ answer, failure } = await this.#route(prompt, messages, { mode: 'local' }));
        if (answer && !failure) {
          answer.offlineLocal = true;
          this.#list.changed();
        }
      } else {
        await this.#enqueue(prompt, messages);
        return queuedResult(prompt, answer?.decision);
      }
    }
    if (failure || !answer) this.#failed(prompt, answer, failure);
    const d = answer.decision;
    // Stopped answers too: the shadow draw was made at the decision, whatever the answer became.
    if (d.path === 'local' && d.reason === 'gate' && !answer.offlineLocal)
      this.options.answeredHere?.(d, messages, answer.rewrittenFrom ?? answer.text);
    return resultOf(answer);
  }

  /** A prompt that got no answer: an empty answer bubble goes, an error turn with Retry comes. */
  #failed(prompt: UserTurn, answer: AnswerTurn | undefined, failure: ErrorPayload | undefined): never {
    if (answer && answer.text === '') this.#list.remove(answer);
    else if (answer) answer.streaming = false;
    const error = failureOf(failure);
    showFailure(this.#stream, error, prompt.text, prompt);
    throw error;
  }

  /** The messages a prompt is sent with: the system prompt, the history that counts, the prompt. */
  #history(prompt: UserTurn): ChatMessage[] {
    const system = this.options.systemPrompt();
    const messages = historyBefore(this.#list.turns, prompt);
    return system ? [{ role: 'system', content: system }, ...messages] : messages;
  }

  #route(prompt: UserTurn, messages: readonly ChatMessage[], override: RouteOverride): Promise<Outcome> {
    return routeAnswer(this.#stream, prompt, messages, override);
  }

  #enqueue(prompt: UserTurn, messages: readonly ChatMessage[]): Promise<void> {
    return enqueuePrompt(this.#queued, prompt, messages);
  }
}
