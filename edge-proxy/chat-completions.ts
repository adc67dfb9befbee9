/**
 * @module chat-completions
 * POST /v1/chat/completions once the caller is admitted: choose the ladder of edge models
 * (`chat-ladder.ts`), serve down it with failover, and answer as OpenAI JSON (`respond-whole.ts`)
 * or SSE (`respond-stream.ts`), settling the answer's cost (`answer-accounting.ts`) and ending it
 * at the deadline or a drain (`answer-lifetime.ts`).
 */
import { openAnswerAccount, type Reservation } from './answer-accounting.js';
import { type DrainDeadline, startAnswerLifetime } from './answer-lifetime.js';
import { observeAttemptFailures, type AnswerServing } from './answer-serving.js';
import { chooseLadder, upstreamRequestOf } from './chat-ladder.js';
import type { Breakers } from './circuit-breakers.js';
import type { ProxyConfig } from './config.js';
import type { BudgetStore } from './limits.js';
import type { ProxyLogger } from './log.js';
import type { Metrics } from './metrics.js';
import type { ReadRequest } from './openai-compat.js';
import type { QualityPredictor } from './quality-predictor.js';
import type { ChatRequest } from './request-schema.js';
import { respondStream } from './respond-stream.js';
import { respondWhole } from './respond-whole.js';
import type { EdgeSelector } from './selector.js';
import { endChatSpan, startChatSpan } from './tracing.js';

export type ChatContext = {
  readonly config: ProxyConfig;
  readonly selector: EdgeSelector;
  readonly metrics: Metrics;
  readonly budget: BudgetStore;
  readonly qualityPredictor?: QualityPredictor | undefined;
  /** Where upstream error details go (never to the client). */
  readonly log: ProxyLogger;
  readonly breakers?: Breakers;
  /** Aborted when a drain's deadline passes: open answers end (streams with an error event and [DONE]). */
  readonly drained?: DrainDeadline;
};

/** The request's place in `max_concurrent_requests`: a stream that stays open holds it until it ends. */
export type AnswerSlot = {
  held: boolean;
  release(): void;
  /** What admission puts on every answer (the x-ratelimit-* headers). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Says `response` was built with `headers`, so admission need not add them (which rebuilds its Headers). */
  carries?(response: Response): Response;
};

type Answer = {
  readonly body: ChatRequest;
  readonly read: ReadRequest;
  readonly requestId: string;
  readonly caller: string;
  readonly signal: AbortSignal;
  readonly slot?: AnswerSlot;
  /** USD reserved against the caller's budget before answering (the worst case), settled once the cost is known. */
  readonly reserved?: Reservation;
  /** The models this caller's key may use (`auto` chooses among them only); absent = all. */
  readonly allowed?: ReadonlySet<string>;
};

export async function answerChat(ctx: ChatContext, answer: Answer): Promise<Response> {
  const { config } = ctx;
  const { body, read, requestId } = answer;
  const request = upstreamRequestOf(body, read);
  const chosen = await chooseLadder({ ...ctx, body, read, request, requestId, allowed: answer.allowed });
  if (chosen instanceof Response) return chosen;
  ctx.metrics.decisions.inc({ decision: 'edge' });
  const chat = startChatSpan(body, requestId);
  const headers: Record<string, string> = {
    ...answer.slot?.headers,
    'x-request-id': requestId,
    'x-router-decision': 'edge',
    'x-router-quality-source': chosen.predicted ? 'selector' : 'prior',
  };
  const serving: AnswerServing = {
    config,
    log: ctx.log,
    metrics: ctx.metrics,
    ladder: chosen.ladder,
    request,
    requestId,
    completionId: `chatcmpl-${requestId}`,
    created: Math.floor(Date.now() / 1000),
    headers,
    lifetime: startAnswerLifetime(answer.signal, config.request_timeout_ms, ctx.drained, () => endChatSpan(chat)),
    account: openAnswerAccount(ctx, answer.caller, request, answer.reserved),
    failover: {
      attemptsPerUpstream: config.attempts_per_upstream,
      backoffMs: config.backoff_ms,
      firstByteTimeoutMs: config.first_byte_timeout_ms,
      ...(ctx.breakers ? { breakers: ctx.breakers } : {}),
      ...(chat ? { trace: chat } : {}),
    },
    onAttemptFailed: observeAttemptFailures(ctx, config, requestId),
  };
  // Every response below is built with `headers` (respond-whole.ts, respond-stream.ts, chat-failure.ts).
  const response = body.stream
    ? await respondStream(serving, { includeUsage: body.stream_options?.include_usage === true, slot: answer.slot })
    : await respondWhole(serving);
  return answer.slot?.carries ? answer.slot.carries(response) : response;
}
