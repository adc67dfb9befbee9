/**
 * @module chat-failure
 * How a failed answer reaches the client: an OpenAI error body with an honest status. Upstream
 * bodies, hosts and socket errors go to the log only (they leak internals).
 */
import { toErrorPayload } from '../core/errors.js';
import { NoUpstreamSucceeded } from './failover.js';
import type { ProxyLogger } from './log.js';
import { openAiError } from './openai-error.js';
import { UpstreamError } from './upstream/upstream-error.js';

export function errorResponse(error: ReturnType<typeof openAiError>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(error.body), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** What a client may read about an upstream failure: which kinds of failure, and the request id to quote. */
export function publicFailure(error: unknown, requestId: string, log: ProxyLogger): string {
  const failures = error instanceof NoUpstreamSucceeded ? error.errors : [error];
  const logged = failures.map((e) =>
    e instanceof Error ? { name: e.name, message: e.message, failure: (e as UpstreamError).failure } : String(e),
  );
  log.warn({ requestId, errors: logged }, 'upstream failure');
  const kinds = failures.map((e) => (e instanceof UpstreamError ? e.failure : 'error'));
  return `no edge model could answer (${kinds.join(', ') || 'none configured'}); request id ${requestId}`;
}

const isBusy = (e: unknown) =>
  e instanceof UpstreamError && (e.failure === 'overloaded' || e.failure === 'circuit_open');
const isRefusal = (e: unknown): e is UpstreamError =>
  e instanceof UpstreamError && e.failure === 'http' && (e.status ?? 500) >= 400 && (e.status ?? 500) < 500;

/** The response for an answer that failed before anything reached the client. */
export function failureResponse(
  error: unknown,
  headers: Record<string, string>,
  log: ProxyLogger,
  timedOutAfterMs?: number,
): Response {
  const requestId = headers['x-request-id'] ?? '';
  if (timedOutAfterMs !== undefined) {
    publicFailure(error, requestId, log);
    const message = `no answer within ${timedOutAfterMs} ms (request_timeout_ms); request id ${requestId}`;
    return errorResponse(openAiError('request_timeout', message), headers);
  }
  const failures = error instanceof NoUpstreamSucceeded ? error.errors : [error];
  const overloaded = failures.some((e) => e instanceof UpstreamError && e.failure === 'overloaded');
  if (failures.length > 0 && failures.every(isBusy) && overloaded) {
    publicFailure(error, requestId, log);
    const message = `every edge model is busy; retry shortly (request id ${requestId})`;
    return errorResponse(openAiError('overloaded', message), { ...headers, 'retry-after': '1' });
  }
  if (error instanceof UpstreamError && error.status === 429) {
    const message = `the edge models are rate limited; retry later (request id ${requestId})`;
    const retryAfter: Record<string, string> = error.retryAfter ? { 'retry-after': error.retryAfter } : {};
    return errorResponse(openAiError('upstream_rate_limited', message), { ...headers, ...retryAfter });
  }
  // Every upstream refused the request itself (4xx): the client's request is wrong, so it gets that
  // status (an SDK does not retry a 400 as it retries a 502) and what the upstream said.
  if (failures.length > 0 && failures.every(isRefusal)) {
    const first = failures[0] as UpstreamError;
    const said = first.detail ?? `HTTP ${first.status}`;
    const rejection = openAiError(
      'upstream_rejected',
      `the edge model refused this request: ${said} (request id ${requestId})`,
    );
    return errorResponse({ ...rejection, status: first.status! }, headers);
  }
  const payload = toErrorPayload(error);
  if (payload.code === 'aborted') return errorResponse(openAiError('aborted', 'the client went away'), headers);
  if (payload.code === 'invalid_request')
    return errorResponse(openAiError('invalid_request', payload.message), headers);
  return errorResponse(openAiError('upstream_failed', publicFailure(error, requestId, log)), headers);
}
