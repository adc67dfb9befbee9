/**
 * @module transport-guards
 * What every request meets before a route: its count in the metrics, CORS for browsers (only
 * when the request has an Origin), and the body-size limit on /v1/*. An error no route handled
 * becomes an OpenAI-shaped 500 with an incident id in the log, never a stack trace.
 */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { toErrorPayload } from '../core/errors.js';
import type { Fail, Vars } from './app-context.js';
import type { ProxyConfig } from './config.js';
import { SharedStateUnavailable } from './guarded-stores.js';
import type { ProxyLogger } from './log.js';
import type { Metrics } from './metrics.js';
import { openAiError } from './openai-error.js';

/** Headers a browser page may read from our answers. */
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

export function useTransportGuards(app: Hono<Vars>, config: ProxyConfig, metrics: Metrics, fail: Fail): void {
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
}

export function handleUnrouted(app: Hono<Vars>, fail: Fail, log: ProxyLogger): void {
  app.notFound((c) => fail(openAiError('not_found', `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((error) => {
    if (error instanceof SharedStateUnavailable) {
      return fail(openAiError('shared_state_unavailable', error.message), { 'retry-after': '2' });
    }
    const incident = crypto.randomUUID();
    log.error({ incident, error: toErrorPayload(error).message }, 'unhandled error');
    return fail(openAiError('internal_error', `internal error (incident ${incident})`));
  });
}
