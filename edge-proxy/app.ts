/**
 * @module app
 * The edge proxy as a pure web-standard app (`fetch(Request) → Response`, hono): the wiring of
 * its middleware and routes. Each piece is its own file: transport-guards.ts (metrics, CORS, body
 * limit, unrouted errors), caller.ts, admission.ts, api-routes.ts (chat-route.ts →
 * chat-completions.ts, responses-api.ts, embeddings.ts, shadow-check.ts), operator-routes.ts. `server.ts` is the only file that listens,
 * so the same app runs unchanged on edge runtimes.
 */
import { Hono } from 'hono';
import { createAdmission } from './admission.js';
import { failWith, type Vars } from './app-context.js';
import { authIsOn, identifyCaller } from './caller.js';
import { createChatRoute } from './chat-route.js';
import { createBreakers } from './circuit-breakers.js';
import { parseConfig, type ProxyConfig } from './config.js';
import type { Embedder } from './embeddings.js';
import type { IdempotencyStore } from './idempotency.js';
import { createMemoryBudgetStore, createMemoryRateLimiter, type BudgetStore, type RateLimiter } from './limits.js';
import { silentLogger, type ProxyLogger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { addApiRoutes } from './api-routes.js';
import { addOperatorRoutes } from './operator-routes.js';
import type { QualityPredictor } from './quality-predictor.js';
import { createEdgeSelector, type Candidate } from './selector.js';
import { handleUnrouted, useTransportGuards } from './transport-guards.js';
import type { Judge } from './judge/pairwise-judge.js';
import { type AccessPolicy, checkAliases, createKeyring } from './virtual-keys.js';

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
  // The access policy a reload (SIGHUP) may change without a restart: the keys and the aliases.
  const served = new Set(selector.candidates.map((k) => k.upstream.model));
  checkAliases(config.model_aliases, served);
  let aliases = config.model_aliases;
  const currentAliases = () => aliases;
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
    aliases: currentAliases,
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
  useTransportGuards(app, config, metrics, fail);
  app.use('/v1/*', identifyCaller(auth));
  addOperatorRoutes(app, {
    selector,
    breakers,
    metrics,
    fail,
    authOn: authIsOn(auth),
    metricsToken: options.metricsToken,
    sharedStateHealthy: options.sharedStateHealthy,
    aliases: currentAliases,
    authMode:
      [config.tokens.length > 0 ? 'bearer' : '', options.widgetTokenSecret ? 'widget-token' : '']
        .filter(Boolean)
        .join('+') || 'off',
  });
  addApiRoutes(app, {
    admitted: admission.admitted,
    chatCompletion,
    embedders: options.embedders ?? [],
    budget,
    judge: options.judge,
    maxAnswerChars: config.max_answer_chars,
    log,
    fail,
  });
  handleUnrouted(app, fail, log);
  return Object.assign(app, {
    drain: admission.drain,
    /**
     * Virtual keys and model aliases from a reloaded config, swapped together from the next request
     * on; throws and keeps both old ones when either is invalid.
     */
    reloadAccess(next: AccessPolicy) {
      checkAliases(next.model_aliases, served);
      keyring.replace(next.keys);
      aliases = next.model_aliases;
    },
  });
}

export type ProxyApp = ReturnType<typeof createProxyApp>;
