/**
 * @module app
 * The edge proxy as a pure web-standard app (`fetch(Request) → Response`, hono):
 * `POST /v1/chat/completions`, `GET /v1/models`, `GET /health`, `GET /metrics`. Auth, CORS,
 * body limit, rate limit and budget are middleware here; `server.ts` is the only file that
 * listens, so the same app runs unchanged on edge runtimes.
 */
import { answerEmbeddings, type Embedder } from './embeddings.js';
import type { RateLimitTake } from './limits.js';
import { allowedModels, createKeyring, resolveAlias, type VirtualKey } from './virtual-keys.js';
import { answerResponses } from './responses-api.js';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { toErrorPayload } from '../core/errors.js';
import { answerChat, errorResponse, type AnswerSlot } from './chat-completions.js';
import { parseConfig, type ProxyConfig } from './config.js';
import { createMemoryBudgetStore, createMemoryRateLimiter, utcDay, type BudgetStore, type RateLimiter } from './limits.js';
import { createMetrics, type Metrics } from './metrics.js';
import { openAiError } from './openai-error.js';
import { readJsonBody, sha256Hex } from './read-body.js';
import { clientAddress } from './client-address.js';
import { estimatePromptTokens } from './upstream/with-stop.js';
import type { ChatMessage } from '../core/protocol/chat.js';
import { SharedStateUnavailable } from './guarded-stores.js';
import { chatRequestSchema } from './request-schema.js';
import { readChatRequest } from './openai-compat.js';
import { createEdgeSelector, type Candidate } from './selector.js';
import type { QualityPredictor } from './quality-predictor.js';
import { silentLogger, type ProxyLogger } from './log.js';
import { createBreakers } from './circuit-breakers.js';
import { verifyWidgetToken } from './widget-tokens.js';
import type { Judge } from './judge/pairwise-judge.js';
import { shadowCheck } from './shadow-check.js';
import { createMemoryIdempotencyStore, IDEMPOTENCY_KEY, remember, replay, requestFingerprint, type IdempotencyStore } from './idempotency.js';

export type ProxyOptions = {
  readonly config?: Partial<ProxyConfig>;
  /** The edge models, built from `config.models` by server.ts (or by a test). */
  readonly candidates: readonly Candidate[];
  readonly metrics?: Metrics;
  readonly rateLimiter?: RateLimiter;
  readonly budget?: BudgetStore;
  /** The models of POST /v1/embeddings, built from `config.embedding_models` by server.ts (or by a test). */
  readonly embedders?: readonly Embedder[];
  /** selector.onnx, loaded by server.ts (or a test); absent = prior qualities only. */
  readonly qualityPredictor?: QualityPredictor;
  /** Finished answers by `Idempotency-Key` (default: in memory, bounded). */
  readonly idempotency?: IdempotencyStore;
  /** Where upstream error details go (default: nowhere; server.ts passes pino). */
  readonly log?: ProxyLogger;
  /** The token for /metrics and /health's details (server.ts reads it from `metrics_token_env`). */
  readonly metricsToken?: string;
  /** The secret widget tokens are signed with (server.ts reads it from `widget_token_secret_env`). */
  readonly widgetTokenSecret?: string;
  /** Judges shadow checks (server.ts builds it from `config.judge`); absent = shadow checks refused. */
  readonly judge?: Judge;
  /** Whether the shared state (Redis) is reachable; absent: there is none (this process's memory). */
  readonly sharedStateHealthy?: () => boolean;
  /** The connecting socket's address, from the runtime's env (server.ts: Node's socket). */
  readonly clientAddress?: (env: unknown) => string | undefined;
};

/** A request id a client may choose: what we echo and log. Anything else is replaced by a UUID. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

const ROUTER_HEADERS = ['x-request-id', 'x-router-served-by', 'x-router-decision', 'x-router-quality-source', 'retry-after', 'idempotent-replayed', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'];
type Vars = { Variables: { caller: string; key: VirtualKey | undefined } };

export function createProxyApp(options: ProxyOptions) {
  const config = parseConfig({ ...options.config, models: undefined });
  const metrics = options.metrics ?? createMetrics();
  const selector = createEdgeSelector(options.candidates, { ewmaWeight: config.ewma_weight, latencyNormalizerS: config.latency_normalizer_s });
  const rateLimiter = options.rateLimiter ?? createMemoryRateLimiter(config.rate_limit_per_minute);
  const budget = options.budget ?? createMemoryBudgetStore();
  const idempotency = options.idempotency ?? createMemoryIdempotencyStore();
  const tokens = new Set(config.tokens);
  const keyring = createKeyring(config.keys);
  const log = options.log ?? silentLogger;
  const breakers = createBreakers({ failures: config.circuit_failures, halfOpenAfterMs: config.circuit_half_open_ms });
  const trusted = new Set(config.trusted_proxies);
  let answering = 0; // chat requests in progress (admission: max_concurrent_requests)
  // Graceful drain (SIGTERM): no new answers, open ones finish until the deadline, then end.
  let draining = false;
  const drainDeadline = new AbortController();
  const idle: (() => void)[] = [];
  const wakeIfIdle = () => { if (answering === 0) for (const wake of idle.splice(0)) wake(); };
  const app = new Hono<Vars>();
  const fail = (error: ReturnType<typeof openAiError>, headers: Record<string, string> = {}) => {
    metrics.errors.inc({ code: error.body.error.code, upstream: 'none' });
    return errorResponse(error, headers);
  };

  app.use('*', async (c, next) => {
    await next();
    metrics.requests.inc({ route: c.req.routePath, status: String(c.res.status) });
  });
  const corsPolicy = cors({ origin: config.cors_origins.includes('*') ? '*' : (origin) => (config.cors_origins.includes(origin) ? origin : null), exposeHeaders: [...ROUTER_HEADERS, 'www-authenticate'], allowHeaders: ['content-type', 'authorization', 'x-request-id', 'idempotency-key'] });
  // CORS is for browsers, which always send Origin on cross-origin calls. Servers and SDKs send
  // none; skipping the middleware for them saves rebuilding every response to merge its headers.
  app.use('*', (c, next) => (c.req.header('origin') !== undefined ? corsPolicy(c, next) : next()));
  const tooLarge = () => fail({ status: 413, body: openAiError('invalid_request', `request body exceeds ${config.max_body_bytes} bytes`).body });
  const streamedBodyLimit = bodyLimit({ maxSize: config.max_body_bytes, onError: tooLarge });
  app.use('/v1/*', async (c, next) => {
    // Node's parser holds a body to its Content-Length, so the header alone decides; only a
    // chunked body (no length) needs hono's counting limiter, which wraps the whole request.
    const length = c.req.header('content-length');
    if (length === undefined) return streamedBodyLimit(c, next);
    return Number(length) > config.max_body_bytes ? tooLarge() : next();
  });
  app.use('/v1/*', async (c, next) => {
    // Only JSON bodies: a text/plain POST is a "simple" cross-origin request that skips CORS preflight.
    if (c.req.method === 'POST' && !/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      return fail({ status: 415, body: { error: { message: 'send the body as application/json', type: 'invalid_request_error', code: 'unsupported_media_type', param: 'content-type' } } });
    }
    const bearer = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const secret = options.widgetTokenSecret;
    const authOn = tokens.size > 0 || keyring.size > 0 || secret !== undefined;
    // A virtual key, a configured token, or a widget token signed with the shared secret (its subject is the caller).
    const key = bearer ? await keyring.find(bearer) : undefined;
    const widgetSubject = authOn && bearer && !key && !tokens.has(bearer) && secret
      ? await verifyWidgetToken(bearer, secret, config.widget_token_max_age_s) : undefined;
    if (authOn && (!bearer || (!key && !tokens.has(bearer) && widgetSubject === undefined))) {
      return fail(openAiError('unauthorized', 'missing, unknown or expired bearer token'), { 'www-authenticate': 'Bearer realm="riskgate"' });
    }
    // Limits and budgets are per token (by its hash: no raw secret in a store's key names); with
    // auth off, per client address (client-address.ts: the right-most hop no trusted proxy added).
    const socket = options.clientAddress?.(c.env) ?? 'unknown';
    const caller = key ? `key:${key.id}` : widgetSubject !== undefined ? `widget:${widgetSubject}`
      : authOn ? `token:${(await sha256Hex(bearer!)).slice(0, 32)}`
      : `addr:${clientAddress(socket, c.req.header('x-forwarded-for'), trusted)}`;
    c.set('caller', caller);
    c.set('key', key);
    return next();
  });

  // /metrics and /health's details name upstreams, costs and auth: for operators only (issue 24, S11).
  const authOn = tokens.size > 0 || keyring.size > 0 || options.widgetTokenSecret !== undefined;
  const operator = (c: Context<Vars>) => {
    const bearer = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (options.metricsToken !== undefined) return bearer === options.metricsToken;
    return !authOn;
  };
  const authMode = [tokens.size > 0 ? 'bearer' : '', options.widgetTokenSecret ? 'widget-token' : ''].filter(Boolean).join('+') || 'off';
  app.get('/health', (c) => {
    const upstreams = selector.candidates.map((k) => ({ id: k.upstream.id, kind: k.upstream.kind, state: breakers.state(k.upstream.id), ttft_ms: Math.round(k.ttftMs), tokens_per_s: Math.round(k.tokensPerSecond) }));
    const down = upstreams.filter((u) => u.state === 'open').length;
    const sharedState = options.sharedStateHealthy ? (options.sharedStateHealthy() ? 'ok' : 'unreachable') : 'memory';
    // Degraded: some upstream's circuit is open, or the shared state is unreachable; down: no upstream can answer.
    const status = down === upstreams.length && down > 0 ? 'down' : down > 0 || sharedState === 'unreachable' ? 'degraded' : 'ok';
    const code = status === 'down' ? 503 : 200;
    // CORP: a page with COEP may probe /health without CORS, to tell "offline" from "this origin
    // is refused" (workers/edge-client.ts); what it can read of it is nothing (an opaque response).
    c.header('cross-origin-resource-policy', 'cross-origin');
    if (!operator(c)) return c.json({ status }, code);
    return c.json({ status, auth: authMode, shared_state: sharedState, upstreams }, code);
  });
  app.get('/metrics', async (c) => {
    if (!operator(c)) return fail(openAiError('unauthorized', '/metrics needs the metrics token (metrics_token_env)'), { 'www-authenticate': 'Bearer realm="riskgate-metrics"' });
    return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
  });
  // `owned_by` says what serves it; a `replay` model answers only the prompts it has recordings of.
  const modelObject = (k: Candidate) => ({ id: k.upstream.model, object: 'model', created: 0, owned_by: k.upstream.kind, ...(k.upstream.kind === 'replay' ? { recorded_prompts_only: true } : {}) });
  app.get('/v1/models', (c) => c.json({ object: 'list', data: selector.candidates.map(modelObject) }));
  app.get('/v1/models/:id{.+}', (c) => {
    const found = selector.candidates.find((k) => k.upstream.model === c.req.param('id'));
    return found ? c.json(modelObject(found)) : fail(openAiError('invalid_model', `model ${c.req.param('id')} is not served here`, 'model'));
  });

  /** The most an answer can cost: its prompt (about 4 characters a token) and max tokens at the dearest model. */
  const dearestPer1k = Math.max(0, ...selector.candidates.map((k) => k.usdPer1kTokens));
  const worstCaseUsd = (messages: readonly ChatMessage[], body: { max_tokens?: number | null; max_completion_tokens?: number | null }) => {
    const answerTokens = body.max_completion_tokens ?? body.max_tokens ?? config.default_max_tokens;
    return ((estimatePromptTokens({ messages }) + answerTokens) / 1000) * dearestPer1k;
  };

  /**
   * The rate limit, the JSON body, then admission (max_concurrent_requests), for both POST routes.
   * The body is read before a slot is taken and within `body_read_timeout_ms`: a client that
   * trickles its body holds a socket, never one of the slots legitimate requests need.
   */
  /** OpenAI's x-ratelimit-* headers on every answer, so a client can pace itself before a 429. */
  const withRateHeaders = (response: Response, limit: RateLimitTake): Response => {
    const headers = { 'x-ratelimit-limit-requests': String(limit.limit), 'x-ratelimit-remaining-requests': String(limit.remaining), 'x-ratelimit-reset-requests': `${limit.retryAfterS}s` };
    try {
      for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
      return response;
    } catch {
      const copy = new Response(response.body, response); // immutable headers (a fetched response)
      for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
      return copy;
    }
  };

  const admitted = (handle: (c: Context<Vars>, json: unknown, slot: AnswerSlot) => Promise<Response>) => async (c: Context<Vars>) => {
    const limit = await rateLimiter.take(c.get('caller'), undefined, c.get('key')?.rate_limit_per_minute);
    return withRateHeaders(await admittedWith(limit, handle, c), limit);
  };

  const admittedWith = async (limit: RateLimitTake, handle: (c: Context<Vars>, json: unknown, slot: AnswerSlot) => Promise<Response>, c: Context<Vars>): Promise<Response> => {
    if (!limit.allowed) {
      const body = { error: { message: 'rate limit exceeded', type: 'rate_limit_error', code: 'rate_limited', param: null } };
      return fail({ status: 429, body }, { 'retry-after': String(limit.retryAfterS) });
    }
    const read = await readJsonBody(c.req.raw, config.body_read_timeout_ms, config.max_json_depth);
    if (!read.ok) return fail(read.error, read.error.status === 408 ? { connection: 'close' } : {});
    if (draining) {
      return fail(openAiError('overloaded', 'the proxy is restarting; retry shortly'), { 'retry-after': '1', connection: 'close' });
    }
    if (answering >= config.max_concurrent_requests) {
      const message = `${answering} requests are being answered, the most this proxy takes at once (max_concurrent_requests); retry shortly`;
      return fail(openAiError('overloaded', message), { 'retry-after': '1' });
    }
    answering++;
    // An open stream keeps its slot until it ends (answerChat releases it); anything else, now.
    let released = false;
    const slot = { held: false, release: () => { if (!released) { released = true; answering--; wakeIfIdle(); } } };
    try {
      return await handle(c, read.json, slot);
    } finally {
      if (!slot.held) slot.release();
    }
  };

  app.post('/v1/chat/completions', admitted(chatCompletion));
  // The Responses API, translated to the chat path and back (responses-api.ts); nothing is kept.
  app.post('/v1/responses', admitted((c, json, slot) => answerResponses(json, (body) => chatCompletion(c, body, slot))));
  app.post('/v1/embeddings', admitted(async (c, json) => {
    const caller = c.get('caller');
    return answerEmbeddings(json, options.embedders ?? [], c.req.raw.signal, (usd) => budget.add(caller, utcDay(), usd));
  }));
  app.get('/v1/responses/:id', (c) => fail(openAiError('not_found', `response ${c.req.param('id')} was not kept: this proxy stores no responses`)));
  // One slot and one rate-limit token for the check; the edge answer inside it is budgeted as any other.
  app.post('/v1/riskgate/shadow', admitted((c, json, slot) => shadowCheck(json, {
    judge: options.judge, answer: (body) => chatCompletion(c, body, slot), maxAnswerChars: config.max_answer_chars, log, signal: c.req.raw.signal,
  })));

  async function chatCompletion(c: Context<Vars>, json: unknown, slot: AnswerSlot): Promise<Response> {
    const caller = c.get('caller');
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(openAiError('invalid_request', issue?.message ?? 'invalid request', issue?.path.join('.') || null));
    }
    const virtualKey = c.get('key');
    // An alias names a served model; a key may be limited to some models and some answer length.
    const body = { ...parsed.data, model: resolveAlias(parsed.data.model, config.model_aliases) };
    const allowed = allowedModels(virtualKey, config.model_aliases);
    if (allowed && body.model && body.model !== 'auto' && !allowed.has(body.model)) {
      return fail({ status: 403, body: { error: { message: `this key may not use ${body.model}; it may use ${[...allowed].join(', ')}`, type: 'permission_error', code: 'model_not_allowed', param: 'model' } } });
    }
    const asked = body.max_completion_tokens ?? body.max_tokens;
    if (virtualKey?.max_tokens !== undefined && (asked === undefined || asked === null || asked > virtualKey.max_tokens)) {
      return fail(openAiError('invalid_request', `this key's answers are at most ${virtualKey.max_tokens} tokens: send max_tokens ≤ ${virtualKey.max_tokens}`, 'max_tokens'));
    }
    const read = readChatRequest(body);
    if ('param' in read) return fail(openAiError('unsupported_parameter', read.message, read.param));
    // Admission: what one request may ask of the upstreams (a legal body can still be hostile).
    if (read.messages.length > config.max_messages) {
      return fail(openAiError('invalid_request', `${read.messages.length} messages; this proxy accepts at most ${config.max_messages} (max_messages)`, 'messages'));
    }
    const promptChars = read.messages.reduce((n, m) => n + m.content.length, 0);
    if (promptChars > config.max_prompt_chars) {
      return fail(openAiError('context_window_exceeded', `${promptChars} characters of messages; this proxy accepts at most ${config.max_prompt_chars} (max_prompt_chars)`, 'messages'));
    }
    if (body.router?.mode === 'only_local') {
      return fail(openAiError('invalid_request', 'router.mode only_local is answered on the device, never by the edge', 'router.mode'));
    }
    if (body.model && body.model !== 'auto' && !selector.candidates.some((k) => k.upstream.model === body.model)) {
      return fail(openAiError('invalid_model', `model ${body.model} is not served here; use "auto" or one of GET /v1/models`, 'model'));
    }
    const offered = c.req.header('x-request-id');
    const requestId = offered && SAFE_REQUEST_ID.test(offered) ? offered : crypto.randomUUID();
    // The budget guards new answers; a kept answer replayed for its Idempotency-Key costs nothing.
    const answer = async () => {
      // The worst this answer can cost is reserved first, atomically, and settled when it is known.
      const day = utcDay();
      const limit = virtualKey?.budget_usd_per_day !== undefined ? virtualKey.budget_usd_per_day : config.budget_usd_per_day;
      const worst = limit === null ? 0 : worstCaseUsd(read.messages, body);
      const reserved = limit === null ? undefined : { usd: await budget.reserve(caller, day, worst, limit), day };
      if (reserved && reserved.usd <= 0 && worst > 0) {
        return fail({ status: 429, body: { error: { message: `daily budget of $${limit} is spent`, type: 'insufficient_quota', code: 'budget_exceeded', param: null } } });
      }
      const ctx = { config, selector, metrics, budget, qualityPredictor: options.qualityPredictor, log, breakers, drained: drainDeadline.signal };
      return answerChat(ctx, { body, read, requestId, caller, signal: c.req.raw.signal, slot, ...(reserved ? { reserved } : {}), ...(allowed ? { allowed } : {}) });
    };
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey === undefined) return answer();
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) return fail(openAiError('invalid_request', 'Idempotency-Key must be 8–128 characters of A–Z a–z 0–9 _ . : -', 'Idempotency-Key'));
    const key = `${caller}|${idempotencyKey}`;
    const fingerprint = await requestFingerprint(body);
    const seen = await idempotency.begin(key, fingerprint);
    if (seen === 'mismatch') {
      const message = 'this Idempotency-Key was used with a different request body; use a new key for a new request';
      return fail(openAiError('idempotency_key_reused', message, 'Idempotency-Key'));
    }
    if (seen === 'running') {
      return fail({ status: 409, body: { error: { message: 'a request with this Idempotency-Key is still being answered', type: 'invalid_request_error', code: 'idempotency_in_progress', param: 'Idempotency-Key' } } }, { 'retry-after': '1' });
    }
    if (seen !== 'new') return replay(seen, body.stream === true, requestId);
    return remember(await answer(), body.stream === true, (kept) => (kept ? idempotency.finish(key, { ...kept, fingerprint }) : idempotency.forget(key)));
  }

  /**
   * Stops taking answers (503 overloaded, Retry-After) and waits for the open ones; at `deadlineMs`
   * those still open are ended (a stream gets an error event and [DONE]). Resolves when none is open.
   */
  const drain = async (deadlineMs: number): Promise<void> => {
    draining = true;
    const timer = setTimeout(() => drainDeadline.abort(), deadlineMs);
    await new Promise<void>((resolve) => { idle.push(resolve); wakeIfIdle(); });
    clearTimeout(timer);
  };

  app.notFound((c) => fail(openAiError('not_found', `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((error) => {
    if (error instanceof SharedStateUnavailable) {
      return fail(openAiError('shared_state_unavailable', error.message), { 'retry-after': '2' });
    }
    const incident = crypto.randomUUID();
    log.error({ incident, error: toErrorPayload(error).message }, 'unhandled error');
    return fail(openAiError('internal_error', `internal error (incident ${incident})`));
  });
  return Object.assign(app, { drain });
}

export type ProxyApp = ReturnType<typeof createProxyApp>;
