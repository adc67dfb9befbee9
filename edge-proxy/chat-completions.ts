/**
 * @module chat-completions
 * POST /v1/chat/completions: select the edge model by utility, serve down the failover ladder,
 * answer as OpenAI JSON or SSE. A stream opens on the first piece (so a failure before it can
 * still be an honest HTTP status, with Retry-After on 429) or, if the upstream is slow, after
 * `keepalive_ms` with `: keep-alive` comments; after that, errors arrive as an `error` event.
 */
import { toErrorPayload } from '../core/errors.js';
import type { ChatCompletion, ChatCompletionChunk, ToolCall, Usage } from '../core/protocol/openai.js';
import type { ProxyConfig } from './config.js';
import { serveWithFailover, type Served } from './failover.js';
import type { BudgetStore } from './limits.js';
import { utcDay } from './limits.js';
import type { Metrics } from './metrics.js';
import { openAiError } from './openai-error.js';
import type { ChatRequest } from './request-schema.js';
import type { Candidate, EdgeSelector } from './selector.js';
import type { QualityPredictor } from './quality-predictor.js';
import { decodeRepresentation } from '../core/protocol/representation-wire.js';
import { createSseWriter, SSE_HEADERS } from './sse-response.js';
import type { UpstreamRequest } from './upstream/upstream.js';
import { UpstreamError } from './upstream/upstream-error.js';
import { NoUpstreamSucceeded } from './failover.js';
import { estimatePromptTokens } from './upstream/with-stop.js';
import type { ProxyLogger } from './log.js';
import { firstUnmet, type ReadRequest } from './openai-compat.js';
import { withStop } from './upstream/with-stop.js';
import type { Breakers } from './circuit-breakers.js';

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
  readonly drained?: AbortSignal;
};

/** The request's place in `max_concurrent_requests`: a stream that stays open holds it until it ends. */
export type AnswerSlot = { held: boolean; release(): void };

type Answer = {
  readonly body: ChatRequest; readonly read: ReadRequest; readonly requestId: string; readonly caller: string;
  readonly signal: AbortSignal; readonly slot?: AnswerSlot;
  /** USD reserved against the caller's budget before answering (the worst case), settled once the cost is known. */
  readonly reserved?: { readonly usd: number; readonly day: string };
  /** The models this caller's key may use (`auto` chooses among them only); absent = all. */
  readonly allowed?: ReadonlySet<string>;
};

/** The assistant message: its text, or (OpenAI's shape for a tool call) null content and the calls. */
const messageOf = (text: string, toolCalls: readonly ToolCall[] | undefined) =>
  (toolCalls?.length ? { role: 'assistant' as const, content: text || null, tool_calls: toolCalls } : { role: 'assistant' as const, content: text });

const usageOf = (p: number, c: number): Usage => ({ prompt_tokens: p, completion_tokens: c, total_tokens: p + c });

export function errorResponse(error: ReturnType<typeof openAiError>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(error.body), { status: error.status, headers: { 'content-type': 'application/json', ...headers } });
}

/**
 * What a client may read about an upstream failure: which kinds of failure, and the request id to
 * quote. Upstream bodies, hosts and socket errors go to the log only (they leak internals).
 */
export function publicFailure(error: unknown, requestId: string, log: ProxyLogger): string {
  const failures = error instanceof NoUpstreamSucceeded ? error.errors : [error];
  log.warn({ requestId, errors: failures.map((e) => (e instanceof Error ? { name: e.name, message: e.message, failure: (e as UpstreamError).failure } : String(e))) }, 'upstream failure');
  const kinds = failures.map((e) => (e instanceof UpstreamError ? e.failure : 'error'));
  return `no edge model could answer (${kinds.join(', ') || 'none configured'}); request id ${requestId}`;
}

function failureResponse(error: unknown, headers: Record<string, string>, log: ProxyLogger, timedOutAfterMs?: number): Response {
  const requestId = headers['x-request-id'] ?? '';
  if (timedOutAfterMs !== undefined) {
    publicFailure(error, requestId, log);
    return errorResponse(openAiError('request_timeout', `no answer within ${timedOutAfterMs} ms (request_timeout_ms); request id ${requestId}`), headers);
  }
  const failures = error instanceof NoUpstreamSucceeded ? error.errors : [error];
  if (failures.length > 0 && failures.every((e) => e instanceof UpstreamError && (e.failure === 'overloaded' || e.failure === 'circuit_open')) && failures.some((e) => (e as UpstreamError).failure === 'overloaded')) {
    publicFailure(error, requestId, log);
    return errorResponse(openAiError('overloaded', `every edge model is busy; retry shortly (request id ${requestId})`), { ...headers, 'retry-after': '1' });
  }
  if (error instanceof UpstreamError && error.status === 429) {
    return errorResponse(openAiError('upstream_rate_limited', `the edge models are rate limited; retry later (request id ${requestId})`),
      { ...headers, ...(error.retryAfter ? { 'retry-after': error.retryAfter } : {}) });
  }
  // Every upstream refused the request itself (4xx): the client's request is wrong, so it gets that
  // status (an SDK does not retry a 400 as it retries a 502) and what the upstream said.
  const rejected = failures.length > 0 && failures.every((e): e is UpstreamError => e instanceof UpstreamError && e.failure === 'http' && (e.status ?? 500) >= 400 && (e.status ?? 500) < 500);
  if (rejected) {
    const first = failures[0] as UpstreamError;
    const rejection = openAiError('upstream_rejected', `the edge model refused this request: ${first.detail ?? `HTTP ${first.status}`} (request id ${requestId})`);
    return errorResponse({ ...rejection, status: first.status! }, headers);
  }
  const payload = toErrorPayload(error);
  if (payload.code === 'aborted') return errorResponse(openAiError('aborted', 'the client went away'), headers);
  if (payload.code === 'invalid_request') return errorResponse(openAiError('invalid_request', payload.message), headers);
  return errorResponse(openAiError('upstream_failed', publicFailure(error, requestId, log)), headers);
}

/**
 * Q̂_m from the request's representation, or undefined (priors) when there is none or it does not
 * fit: another width, or another representation of the same width (a hidden state and a logit
 * sketch are both 64-d for stories260K; reading one as the other would rank models on noise).
 */
async function predictQuality(predictor: QualityPredictor | undefined, router: ChatRequest['router']) {
  const representation = router?.representation;
  if (!predictor || !representation) return undefined;
  if (router.representation_model && predictor.representationModelId && router.representation_model !== predictor.representationModelId) return undefined;
  const vector = decodeRepresentation(representation);
  return vector?.length === predictor.dim ? predictor.predict(vector) : undefined;
}

export async function answerChat(ctx: ChatContext, { body, read, requestId, caller, signal, slot, reserved, allowed }: Answer): Promise<Response> {
  const { config, selector, metrics } = ctx;
  const request: UpstreamRequest = {
    messages: read.messages,
    extra: read.extra,
    ...(read.openAiMessages ? { openAiMessages: read.openAiMessages } : {}),
    // Nothing injected: a parameter the client did not set is the upstream's own default.
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    seed: body.seed ?? undefined,
  };
  const pinned = body.model && body.model !== 'auto' ? body.model : undefined;
  const predicted = await predictQuality(ctx.qualityPredictor, body.router);
  const selection = selector.select(body.router?.cost_weight ?? 0, Math.min(request.maxTokens ?? Infinity, config.expected_output_tokens), read.messages, pinned, predicted);
  // Only upstreams that can honour every parameter the request sets; `stop` is applied here for all.
  const permitted = allowed ? selection.ladder.filter((c) => allowed.has(c.upstream.model)) : selection.ladder;
  if (permitted.length === 0 && selection.ladder.length > 0) {
    return errorResponse(openAiError('model_not_allowed', `this key may use ${[...allowed!].join(', ')}, and none of them is served here`, 'model'), { 'x-request-id': requestId });
  }
  const ladder = permitted.filter((c) => firstUnmet(read.needs, c.upstream.supports) === undefined)
    .map((c) => (read.stop.length > 0 ? { ...c, upstream: withStop(c.upstream, read.stop) } : c));
  if (ladder.length === 0 && permitted.length > 0) {
    const unmet = firstUnmet(read.needs, permitted[0]!.upstream.supports)!;
    return errorResponse(openAiError('unsupported_parameter', `${unmet}: no edge model ${pinned ? `(${pinned}) ` : ''}here honours it`, unmet), { 'x-request-id': requestId });
  }
  const headers: Record<string, string> = { 'x-request-id': requestId, 'x-router-decision': 'edge', 'x-router-quality-source': predicted ? 'selector' : 'prior' };
  metrics.decisions.inc({ decision: 'edge' });
  const id = `chatcmpl-${requestId}`;
  const created = Math.floor(Date.now() / 1000);
  const abort = new AbortController();
  signal.addEventListener('abort', () => abort.abort(), { once: true });
  // The whole answer's time cap: past it the answer ends, whatever the upstream is doing.
  let timedOut: number | undefined;
  const deadline = setTimeout(() => { timedOut = config.request_timeout_ms; abort.abort(); }, config.request_timeout_ms);
  deadline.unref?.();
  // A drain that ran out of time ends this answer too; the client is told the server is restarting.
  let drained = false;
  const onDrained = () => { drained = true; abort.abort(); };
  if (ctx.drained?.aborted) onDrained();
  else ctx.drained?.addEventListener('abort', onDrained, { once: true });
  const options = { attemptsPerUpstream: config.attempts_per_upstream, backoffMs: config.backoff_ms, firstByteTimeoutMs: config.first_byte_timeout_ms, ...(ctx.breakers ? { breakers: ctx.breakers } : {}) };
  const onAttemptFailed = (c: Candidate, e: unknown) => {
    metrics.errors.inc({ code: e instanceof UpstreamError ? e.failure : 'upstream_failed', upstream: c.upstream.id });
    // Each failed-over attempt, with the request id an operator can find the answer by.
    ctx.log.warn({ requestId, upstream: c.upstream.id, failure: e instanceof UpstreamError ? e.failure : 'error', status: e instanceof UpstreamError ? e.status : undefined }, 'upstream attempt failed; trying the next');
    // A failure costs the upstream in the selector too, so a failing upstream stops coming first.
    if (!(e instanceof UpstreamError) || (e.failure !== 'aborted' && e.failure !== 'circuit_open')) ctx.selector.observeFailure(c.upstream.id, config.first_byte_timeout_ms);
  };

  /** The answer's real cost against what was reserved for it (or, without a budget, simply added). */
  let settled = false;
  const settle = async (usd: number) => {
    if (settled) return;
    settled = true;
    await ctx.budget.add(caller, reserved?.day ?? utcDay(), usd - (reserved?.usd ?? 0));
  };
  /** What a stream cut short (aborted, failed, drained) still cost: its prompt and the pieces sent. */
  let streamedPieces = 0;
  let servingRate = 0;
  const partialCost = () => ((estimatePromptTokens(request) + streamedPieces) / 1000) * servingRate;
  const account = async (served: Served) => {
    const { candidate: c, result } = served;
    const id = c.upstream.id;
    metrics.upstreamTtft.observe({ upstream: id }, served.ttftMs / 1000);
    metrics.upstreamDuration.observe({ upstream: id }, served.durationMs / 1000);
    metrics.tokens.inc({ upstream: id, kind: 'prompt' }, result.promptTokens);
    metrics.tokens.inc({ upstream: id, kind: 'completion' }, result.completionTokens);
    const usd = ((result.promptTokens + result.completionTokens) / 1000) * c.usdPer1kTokens;
    metrics.cost.inc({ upstream: id }, usd);
    await settle(usd);
    const decodeS = (served.durationMs - served.ttftMs) / 1000;
    selector.observe(id, served.ttftMs, result.completionTokens > 1 && decodeS > 0 ? (result.completionTokens - 1) / decodeS : undefined);
  };

  if (!body.stream) {
    let text = '';
    try {
      const served = await serveWithFailover(ladder, request, abort.signal, { ...options, commitOnFirstPiece: false }, {
        onDiscard: () => { text = ''; },
        onPiece: async (p) => {
          // A non-stream answer is held until it ends: bounded, so twenty of them cannot fill memory.
          if (text.length + p.length > config.max_answer_chars) throw new UpstreamError('cut', `answer over ${config.max_answer_chars} characters`);
          text += p;
        },
        onAttemptFailed,
      });
      await account(served);
      const completion: ChatCompletion = {
        id, object: 'chat.completion', created, model: served.candidate.upstream.model,
        choices: [{ index: 0, message: messageOf(text, served.result.toolCalls), finish_reason: served.result.finishReason }],
        usage: usageOf(served.result.promptTokens, served.result.completionTokens),
      };
      return new Response(JSON.stringify(completion), { headers: { 'content-type': 'application/json', ...headers, 'x-router-served-by': served.candidate.upstream.id } });
    } catch (error) {
      await settle(0); // nothing reached the client; the reservation goes back
      if (drained) return errorResponse(openAiError('overloaded', `the proxy is restarting; retry (request id ${requestId})`), { ...headers, 'retry-after': '1' });
      return failureResponse(error, headers, ctx.log, timedOut);
    } finally {
      ctx.drained?.removeEventListener('abort', onDrained);
      clearTimeout(deadline);
    }
  }

  const sse = createSseWriter(() => abort.abort());
  let model: string | undefined;
  let open!: () => void;
  const opened = new Promise<'opened'>((r) => { open = () => r('opened'); });
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: string | null): ChatCompletionChunk =>
    ({ id, object: 'chat.completion.chunk', created, model: model ?? 'auto', choices: [{ index: 0, delta, finish_reason: finish }] });
  const keepAlive = setInterval(() => { open(); void sse.comment('keep-alive'); }, config.keepalive_ms);
  const served = serveWithFailover(ladder, request, abort.signal, options, {
    onAttemptFailed,
    async onPiece(piece, candidate) {
      streamedPieces++;
      servingRate = candidate.usdPer1kTokens;
      if (model === undefined) {
        clearInterval(keepAlive);
        model = candidate.upstream.model;
        headers['x-router-served-by'] = candidate.upstream.id;
        open();
        await sse.data(chunk({ role: 'assistant', content: '' }, null));
      }
      await sse.data(chunk({ content: piece }, null));
    },
  });
  const first = await Promise.race([opened, served.then(() => 'served' as const, () => 'failed' as const)]);
  if (first === 'failed') {
    await settle(0);
    clearInterval(keepAlive);
    clearTimeout(deadline);
    ctx.drained?.removeEventListener('abort', onDrained);
    return failureResponse(await served.catch((e: unknown) => e), headers, ctx.log, timedOut);
  }
  if (slot) slot.held = true;
  if (first === 'served') headers['x-router-served-by'] ??= (await served).candidate.upstream.id;
  void (async () => {
    try {
      const done = await served;
      clearInterval(keepAlive);
      if (model === undefined) { // an empty answer: still open with the role chunk
        model = done.candidate.upstream.model;
        await sse.data(chunk({ role: 'assistant', content: '' }, null));
      }
      // Tool calls go out whole once the upstream has finished them (decision 018).
      if (done.result.toolCalls?.length) await sse.data(chunk({ tool_calls: done.result.toolCalls.map((call, index) => ({ index, ...call })) }, null));
      await sse.data(chunk({}, done.result.finishReason));
      if (body.stream_options?.include_usage) await sse.data({ ...chunk({}, null), choices: [], usage: usageOf(done.result.promptTokens, done.result.completionTokens) });
      await account(done);
    } catch (error) {
      clearInterval(keepAlive);
      await settle(partialCost()).catch(() => undefined); // an aborted or cut stream is charged for what it sent
      metrics.errors.inc({ code: timedOut !== undefined ? 'request_timeout' : 'stream_error', upstream: headers['x-router-served-by'] ?? 'none' });
      const message = publicFailure(error, requestId, ctx.log);
      await sse.data(drained ? openAiError('overloaded', `the proxy is restarting and ended this answer; retry (request id ${requestId})`).body
        : timedOut !== undefined ? openAiError('request_timeout', `the answer ran past ${timedOut} ms (request_timeout_ms); request id ${requestId}`).body
          : openAiError('upstream_failed', message).body);
    }
    ctx.drained?.removeEventListener('abort', onDrained);
    clearTimeout(deadline);
    await sse.done();
    slot?.release(); // after [DONE] is written: a drain waits for the slot, then closes the connection
  })();
  return new Response(sse.body, { headers: { ...SSE_HEADERS, ...headers } });
}
