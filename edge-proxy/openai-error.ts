/**
 * @module openai-error
 * Maps our error codes onto OpenAI's error shape and HTTP status, in one place.
 */
import type { ErrorCode } from '../core/errors.js';
import type { OpenAiErrorBody } from '../core/protocol/openai.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_request: 400,
  invalid_model: 404,
  context_window_exceeded: 400,
  upstream_failed: 502,
  aborted: 499,
};

/** HTTP-only codes that have no meaning inside the worker. */
type HttpOnlyCode =
  | 'not_found'
  | 'unauthorized'
  | 'unsupported_parameter'
  | 'overloaded'
  | 'request_timeout'
  | 'judge_unavailable'
  | 'body_timeout'
  | 'idempotency_key_reused'
  | 'shared_state_unavailable'
  | 'upstream_rejected'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'model_not_allowed'
  | 'idempotency_in_progress'
  | 'upstream_rate_limited';
const HTTP_ONLY_STATUS: Record<HttpOnlyCode, number> = {
  not_found: 404,
  unauthorized: 401,
  unsupported_parameter: 400,
  overloaded: 503,
  request_timeout: 504,
  judge_unavailable: 501,
  body_timeout: 408,
  idempotency_key_reused: 422,
  shared_state_unavailable: 503,
  upstream_rejected: 400,
  unsupported_media_type: 415,
  rate_limited: 429,
  budget_exceeded: 429,
  model_not_allowed: 403,
  idempotency_in_progress: 409,
  upstream_rate_limited: 429,
};

/** OpenAI's `type` where it is not the status class's (its SDKs branch on these). */
const TYPE: Partial<Record<HttpOnlyCode, string>> = {
  rate_limited: 'rate_limit_error',
  upstream_rate_limited: 'rate_limit_error',
  budget_exceeded: 'insufficient_quota',
  model_not_allowed: 'permission_error',
};

export function openAiError(
  code: ErrorCode | HttpOnlyCode,
  message: string,
  param: string | null = null,
): { status: number; body: OpenAiErrorBody } {
  const status = code in HTTP_ONLY_STATUS ? HTTP_ONLY_STATUS[code as HttpOnlyCode] : (STATUS[code as ErrorCode] ?? 500);
  const type =
    TYPE[code as HttpOnlyCode] ??
    (status === 401 ? 'authentication_error' : status < 500 ? 'invalid_request_error' : 'server_error');
  return { status, body: { error: { message, type, code, param } } };
}
