/**
 * @module upstream/upstream-error
 * Why an upstream failed, in the terms the failover ladder needs: retry this upstream, move to
 * the next one, or pass the status (and `Retry-After`) back to the client.
 */
import { RouterError } from '../../core/errors.js';

/**
 * `circuit_open`: skipped without trying, after recent failures (circuit-breakers.ts).
 * `overloaded`: its queue is full; not retried (it would still be full), the next rung is tried.
 * `first_byte_timeout`: nothing arrived within the first-byte timeout; not retried (a hung upstream
 * would hang again), the next rung is tried. `timeout` is silence later on, which is retried.
 */
export type UpstreamFailure =
  | 'refused'
  | 'timeout'
  | 'first_byte_timeout'
  | 'http'
  | 'rate_limited'
  | 'miss'
  | 'cut'
  | 'aborted'
  | 'circuit_open'
  | 'overloaded';

export class UpstreamError extends RouterError {
  readonly failure: UpstreamFailure;
  readonly status: number | undefined;
  readonly retryAfter: string | undefined;
  /** What the upstream itself said about the request (its error message), safe to pass on. */
  readonly detail: string | undefined;
  constructor(
    failure: UpstreamFailure,
    message: string,
    options: { status?: number; retryAfter?: string; detail?: string; cause?: unknown } = {},
  ) {
    super(failure === 'aborted' ? 'aborted' : 'upstream_failed', message, { cause: options.cause });
    this.name = 'UpstreamError';
    this.failure = failure;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
    this.detail = options.detail;
  }
  /** Worth trying the same upstream again (a miss or a 4xx will not change). */
  get retryable(): boolean {
    return (
      this.failure === 'refused' ||
      this.failure === 'timeout' ||
      this.failure === 'cut' ||
      (this.failure === 'http' && (this.status ?? 500) >= 500)
    );
  }
}
