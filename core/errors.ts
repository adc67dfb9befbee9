/**
 * @module errors
 * One error type with a stable `code`. Messages change; codes do not. The code is what crosses
 * comlink, HTTP and the offline queue, so callers branch on it and never on message text.
 */

export const ERROR_CODES = Object.freeze([
  'invalid_request',
  'invalid_model',
  'invalid_artifact',
  'asset_unreachable',
  'artifact_mismatch',
  'gate_labels_mismatch',
  'context_window_exceeded',
  'engine_not_ready',
  'engine_failed',
  'gate_failed',
  'edge_unreachable',
  'edge_cors_refused',
  'csp_blocked',
  'edge_error',
  'edge_stream_error',
  'aborted',
  'upstream_failed',
  'internal_error',
] as const);

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A plain, structured-clone-safe error description (what crosses boundaries). */
export type ErrorPayload = {
  readonly code: ErrorCode;
  readonly message: string;
  /** Set when trying the same request later may succeed (the edge unreachable, a 5xx, a 409): what the offline outbox queues. */
  readonly retryLater?: boolean;
  /** The HTTP status, when the edge proxy answered one (401: ask the page for a fresh token). */
  readonly httpStatus?: number;
};

export class RouterError extends Error {
  readonly code: ErrorCode;
  readonly retryLater: boolean;
  readonly httpStatus: number | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryLater?: boolean; httpStatus?: number },
  ) {
    super(message, options);
    this.name = 'RouterError';
    this.code = code;
    this.retryLater = options?.retryLater ?? code === 'edge_unreachable';
    this.httpStatus = options?.httpStatus;
  }
  toPayload(): ErrorPayload {
    return {
      code: this.code,
      message: this.message,
      ...(this.retryLater ? { retryLater: true } : {}),
      ...(this.httpStatus ? { httpStatus: this.httpStatus } : {}),
    };
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Turns anything thrown into a payload; unknown throwables become `internal_error`. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof RouterError) return error.toPayload();
  if (typeof error === 'object' && error !== null && isErrorCode((error as { code?: unknown }).code)) {
    const { code, message, retryLater, httpStatus } = error as {
      code: ErrorCode;
      message?: unknown;
      retryLater?: unknown;
      httpStatus?: unknown;
    };
    return {
      code,
      message: typeof message === 'string' ? message : code,
      ...(retryLater === true ? { retryLater: true } : {}),
      ...(typeof httpStatus === 'number' ? { httpStatus } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal_error', message };
}

export function fromErrorPayload(payload: ErrorPayload): RouterError {
  return new RouterError(payload.code, payload.message, {
    retryLater: payload.retryLater === true,
    ...(payload.httpStatus ? { httpStatus: payload.httpStatus } : {}),
  });
}
