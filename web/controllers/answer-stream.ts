/**
 * @module controllers/answer-stream
 * One route through the worker, folded into the turns: the decision opens an answer bubble under
 * its prompt, tokens grow it, `done` closes it with who served it, and an error is kept as the
 * outcome's failure (the conversation decides what the visitor sees). Each step is also told to
 * the page as a `riskgate-*` event; `riskgate-answer`, before `riskgate-done`, lets the page rewrite
 * the finished answer (what it leaves is shown, kept and read as history; the model's own text stays
 * what shadow checks judge).
 */
import { type ErrorPayload, fromErrorPayload, type RouterError } from '../../core/errors.js';
import type { ChatMessage, RouteMode, RoutePath } from '../../core/protocol/chat.js';
import type { Decision, RouteEvent, RouteFinishReason, RouteRequest } from '../../core/protocol/worker-api.js';
import type { TurnList } from './turn-list.js';
import { lastTurnOf, type AnswerTurn, type UserTurn } from './turns.js';
import type { WorkerConnection } from './worker-connection.js';

export type SendResult = {
  path: RoutePath;
  text: string;
  decision: Decision;
  model: string;
  finishReason: RouteFinishReason;
  queued?: string;
};

export type Emit = (name: string, detail: object) => void;
export type Outcome = { answer: AnswerTurn | undefined; failure: ErrorPayload | undefined };
export type RouteOverride = { mode?: RouteMode; requestId?: string };

export type AnswerStreamContext = {
  readonly connection: WorkerConnection;
  readonly list: TurnList;
  readonly request: () => Omit<RouteRequest, 'messages'>;
  readonly emit: Emit;
  /** The Authorization header for the edge (a widget token), fresh when `refresh` (after a 401). */
  readonly authorization: (refresh: boolean) => Promise<string | undefined>;
  /** The answer starts (true) or ends (false): the composer shows Stop meanwhile. */
  readonly busy: (busy: boolean) => void;
};

/** One route; a 401 from the edge asks the page for a fresh token and tries once more. */
export async function routeAnswer(
  context: AnswerStreamContext,
  prompt: UserTurn,
  messages: readonly ChatMessage[],
  override: RouteOverride,
): Promise<Outcome> {
  const first = await streamAnswer(context, prompt, messages, override, await context.authorization(false));
  if (first.failure?.httpStatus !== 401 || (first.answer && first.answer.text !== '')) return first;
  if (first.answer) context.list.remove(first.answer);
  const fresh = await context.authorization(true).catch(() => undefined);
  return fresh ? streamAnswer(context, prompt, messages, override, fresh) : first;
}

async function streamAnswer(
  context: AnswerStreamContext,
  prompt: UserTurn,
  messages: readonly ChatMessage[],
  override: RouteOverride,
  authorization: string | undefined,
): Promise<Outcome> {
  const { connection, list, emit } = context;
  context.busy(true);
  const outcome: Outcome = { answer: undefined, failure: undefined };
  const onEvent = (event: RouteEvent): void => {
    if (event.type === 'decision') {
      const answer: AnswerTurn = {
        id: list.newId(),
        role: 'assistant',
        text: '',
        decision: event.decision,
        streaming: true,
        promptId: prompt.id,
      };
      outcome.answer = answer;
      list.push(answer, lastTurnOf(list.turns, prompt));
      emit('riskgate-decision', { ...event.decision });
    } else if (event.type === 'token' && outcome.answer) {
      outcome.answer.text += event.text;
      list.host.requestUpdate();
      emit('riskgate-token', { text: event.text, path: outcome.answer.decision.path });
    } else if (event.type === 'done' && outcome.answer) {
      Object.assign(outcome.answer, {
        streaming: false,
        servedBy: event.model,
        finishReason: event.finishReason,
        timings: event.timings,
        usage: event.usage,
      });
      const { path, model, finishReason, usage, timings } = event;
      rewriteByPage(outcome.answer, emit, { path, model, finishReason });
      list.changed();
      emit('riskgate-done', { path, model, text: outcome.answer.text, finishReason, usage, timings });
    } else if (event.type === 'error') {
      outcome.failure = event.error;
    }
  };
  try {
    const request = { ...context.request(), ...override, ...(authorization ? { authorization } : {}), messages };
    await connection.client!.route(request, onEvent);
  } catch (thrown) {
    outcome.failure = { code: (thrown as RouterError).code ?? 'internal_error', message: (thrown as Error).message };
  } finally {
    context.busy(false);
  }
  if (outcome.failure && outcome.answer?.streaming) outcome.answer.streaming = false;
  return outcome;
}

/** `riskgate-answer`: handlers run synchronously and may set `detail.text`; a non-string is ignored. */
function rewriteByPage(
  answer: AnswerTurn,
  emit: Emit,
  about: { path: RoutePath; model: string; finishReason: string },
) {
  const detail = { ...about, text: answer.text };
  emit('riskgate-answer', detail);
  if (typeof detail.text !== 'string' || detail.text === answer.text) return;
  answer.rewrittenFrom = answer.text;
  answer.text = detail.text;
}

export function resultOf(answer: AnswerTurn): SendResult {
  return {
    path: answer.decision.path,
    text: answer.text,
    decision: answer.decision,
    model: answer.servedBy ?? answer.decision.model,
    finishReason: answer.finishReason!,
  };
}

/**
 * A prompt that got no answer: an error turn with Retry under it, a `riskgate-error` for the page,
 * and, for a deployment problem the visitor cannot fix (CORS, 401), a sentence in the console for
 * the site owner.
 */
export function showFailure(context: AnswerStreamContext, error: RouterError, retry: string, after?: UserTurn): void {
  const { list } = context;
  const code = error.code ?? 'internal_error';
  const status = error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {};
  list.push(
    { id: list.newId(), role: 'error', code, message: error.message, retry, ...status },
    after && lastTurnOf(list.turns, after),
  );
  context.emit('riskgate-error', { code, message: error.message, ...status });
  if (code === 'edge_cors_refused' || error.httpStatus === 401) console.warn(`riskgate: ${error.message}`);
}

/** The error for an outcome without an answer. */
export function failureOf(failure: ErrorPayload | undefined): RouterError {
  return fromErrorPayload(failure ?? { code: 'internal_error', message: 'the answer ended without a result' });
}
