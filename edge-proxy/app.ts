/**
 * @module app
 * The edge proxy as a pure web-standard app (`fetch(Request) → Response`, hono): the wiring of
 * its middleware (metrics, CORS, body limit, caller) and routes. Each piece is its own file:
 * caller.ts, admission.ts, chat-route.ts (→ chat-completions.ts), responses-api.ts,
 * embeddings.ts, shadow-check.ts, operator-routes.ts. `server.ts` is the only file that listens,
 * so the same app runs unchanged on edge runtimes.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { toErrorPayload } from '../core/errors.js';
import { createAdmission } from './admission.js';
import { failWith, type Vars } from './app-context.js';
import { authIsOn, identifyCaller } from './caller.js';
import { createChatRoute } from './chat-route.js';
import { createBreakers } from './circuit-breakers.js';
import { parseConfig, type ProxyConfig } from './config.js';
import { answerEmbeddings, type Embedder } from './embeddings.js';
import { SharedStateUnavailable } from './guarded-stores.js';
import type { IdempotencyStore } from './idempotency.js';
import {
  createMemoryBudgetStore,
  createMemoryRateLimiter,
  utcDay,
  type BudgetStore,
  type RateLimiter,
} from './limits.js';
import { silentLogger, type ProxyLogger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { openAiError } from './openai-error.js';
import { addOperatorRoutes } from './operator-routes.js';
import type { QualityPredictor } from './quality-predictor.js';
import { answerResponses } from './responses-api.js';
import { createEdgeSelector, type Candidate } from './selector.js';
import { shadowCheck } from './shadow-check.js';
import type { Judge } from './judge/pairwise-judge.js';
import { createKeyring } from './virtual-keys.js';

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

const ROUTER_HEADERS = [
  'x-request-id',
  'x-router-served-by',
  'x-router-decision',
  'x-router-quality-source',
  'retry-after',
  'idempotent-replayed',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
];

export function createProxyApp(options: ProxyOptions) {
  const config = parseConfig({ ...options.config, models: undefined });
  const metrics = options.metrics ?? createMetrics();
  const fail = failWith(metrics);
  const selector = createEdgeSelector(options.candidates, {
    ewmaWeight: config.ewma_weight,
    latencyNormalizerS: config.latency_normalizer_s,
  });
  const budget = options.budget ?? createMemoryBudgetStore();
  const keyring = createKeyring(config.keys);
  const log = options.log ?? silentLogger;
  const breakers = createBreakers({ failures: config.circuit_failures, halfOpenAfterMs: config.circuit_half_open_ms });
  const admission = createAdmission(
    config,
    options.rateLimiter ?? createMemoryRateLimiter(config.rate_limit_per_minute),
    fail,
  );
  const chatCompletion = createChatRoute({
    config,
    selector,
    metrics,
    budget,
    qualityPredictor: options.qualityPredictor,
    log,
    breakers,
    drained: admission.drained,
    idempotency: options.idempotency,
    fail,
  });
  const auth = {
    config,
    keyring,
    widgetTokenSecret: options.widgetTokenSecret,
    clientAddress: options.clientAddress,
    fail,
  };
  const app = new Hono<Vars>();

  app.use('*', async (c, next) => {
    await next();
    metrics.requests.inc({ route: c.req.routePath, status: String(c.res.status) });
  });
  const corsPolicy = cors({
    origin: config.cors_origins.includes('*')
      ? '*'
      : (origin) => (config.cors_origins.includes(origin) ? origin : null),
    exposeHeaders: [...ROUTER_HEADERS, 'www-authenticate'],
    allowHeaders: ['content-type', 'authorization', 'x-request-id', 'idempotency-key'],
  });
  // CORS is for browsers, which always send Origin on cross-origin calls. Servers and SDKs send
  // none; skipping the middleware for them saves rebuilding every response to merge its headers.
  app.use('*', (c, next) => (c.req.header('origin') !== undefined ? corsPolicy(c, next) : next()));
  const tooLarge = () =>
    fail({ ...openAiError('invalid_request', `request body exceeds ${config.max_body_bytes} bytes`), status: 413 });
  const streamedBodyLimit = bodyLimit({ maxSize: config.max_body_bytes, onError: tooLarge });
  app.use('/v1/*', async (c, next) => {
    // Node's parser holds a body to its Content-Length, so the header alone decides; only a
    // chunked body (no length) needs hono's counting limiter, which wraps the whole request.
    const length = c.req.header('content-length');
    if (length === undefined) return streamedBodyLimit(c, next);
    return Number(length) > config.max_body_bytes ? tooLarge() : next();
  });
  app.use('/v1/*', identifyCaller(auth));
  addOperatorRoutes(app, {
    selector,
    breakers,
    metrics,
    fail,
    authOn: authIsOn(auth),
    metricsToken: options.metricsToken,
    sharedStateHealthy: options.sharedStateHealthy,
    authMode:
      [config.tokens.length > 0 ? 'bearer' : '', options.widgetTokenSecret ? 'widget-token' : '']
        .filter(Boolean)
        .join('+') || 'off',
  });

  const { admitted } = admission;
  app.post('/v1/chat/completions', admitted(chatCompletion));
  // The Responses API, translated to the chat path and back (responses-api.ts); nothing is kept.
  app.post(
    '/v1/responses',
    admitted((c, json, slot) => answerResponses(json, (body) => chatCompletion(c, body, slot))),
  );
  app.post(
    '/v1/embeddings',
    admitted(async (c, json) => {
      const caller = c.get('caller');
      return answerEmbeddings(json, options.embedders ?? [], c.req.raw.signal, (usd) =>
        budget.add(caller, utcDay(), usd),
      );
    }),
  );
  app.get('/v1/responses/:id', (c) =>
    fail(openAiError('not_found', `response ${c.req.param('id')} was not kept: this proxy stores no responses`)),
  );
  // One slot and one rate-limit token for the check; the edge answer inside it is budgeted as any other.
  app.post(
    '/v1/riskgate/shadow',
    admitted((c, json, slot) =>
      shadowCheck(json, {
        judge: options.judge,
        answer: (body) => chatCompletion(c, body, slot),
        maxAnswerChars: config.max_answer_chars,
        log,
        signal: c.req.raw.signal,
      }),
    ),
  );

  app.notFound((c) => fail(openAiError('not_found', `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((error) => {
    if (error instanceof SharedStateUnavailable) {
      return fail(openAiError('shared_state_unavailable', error.message), { 'retry-after': '2' });
    }
    const incident = crypto.randomUUID();
    log.error({ incident, error: toErrorPayload(error).message }, 'unhandled error');
    return fail(openAiError('internal_error', `internal error (incident ${incident})`));
  });
  return Object.assign(app, { drain: admission.drain });
}

export type ProxyApp = ReturnType<typeof createProxyApp>;
