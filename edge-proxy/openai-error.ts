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
  | 'not_found' | 'unauthorized' | 'unsupported_parameter' | 'overloaded' | 'request_timeout' | 'judge_unavailable'
  | 'body_timeout' | 'idempotency_key_reused' | 'shared_state_unavailable' | 'upstream_rejected';
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
};

export function openAiError(code: ErrorCode | HttpOnlyCode, message: string, param: string | null = null): { status: number; body: OpenAiErrorBody } {
  const status = code in HTTP_ONLY_STATUS ? HTTP_ONLY_STATUS[code as HttpOnlyCode] : STATUS[code as ErrorCode] ?? 500;
  const type = status === 401 ? 'authentication_error' : status < 500 ? 'invalid_request_error' : 'server_error';
  return { status, body: { error: { message, type, code, param } } };
}
