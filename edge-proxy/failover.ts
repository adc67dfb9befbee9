/**
 * @module failover
 * Runs a request down the selector's ladder: each upstream gets `attempts` tries with doubling
 * backoff for retryable failures, then the next rung. An upstream whose circuit is open is
 * skipped at once; one that sends nothing within `firstByteTimeoutMs` is abandoned for the next
 * rung (a hang is not retried: it would hang again). Once the first piece has been sent to the
 * client the answer is committed to that upstream: a later failure is reported, not retried
 * (a retry would repeat text the client already has).
 */
import { BrokenCircuitError } from 'cockatiel';
import { RouterError } from '../core/errors.js';
import type { Breakers } from './circuit-breakers.js';
import type { Candidate } from './selector.js';
import type { UpstreamPiece, UpstreamRequest, UpstreamResult } from './upstream/upstream.js';
import { type ChatSpan, tracedAttempt } from './tracing.js';
import { UpstreamError } from './upstream/upstream-error.js';

export type FailoverOptions = {
  readonly attemptsPerUpstream: number;
  readonly backoffMs: number;
  /**
   * Whether the first piece commits the answer to its upstream: yes for a stream (the client has
   * it), no for a non-stream answer (the client has nothing yet, so a failure mid-answer still
   * fails over; `onDiscard` drops what was collected). @default true
   */
  readonly commitOnFirstPiece?: boolean;
  /** Abandon an attempt that has sent nothing for this long (before its first piece). */
  readonly firstByteTimeoutMs?: number;
  readonly breakers?: Breakers;
  /** The request's trace span: each attempt is a client span under it (tracing.ts). */
  readonly trace?: ChatSpan;
};

export type Served = {
  readonly candidate: Candidate;
  readonly result: UpstreamResult;
  readonly ttftMs: number;
  readonly durationMs: number;
};

export type FailoverEvents = {
  /** Called with each piece; the first call commits the answer to `candidate`. */
  onPiece(piece: UpstreamPiece, candidate: Candidate): Promise<void>;
  onAttemptFailed?(candidate: Candidate, error: unknown): void;
  /** The pieces collected from a failed, uncommitted attempt are void. */
  onDiscard?(): void;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class NoUpstreamSucceeded extends UpstreamError {
  readonly errors: readonly unknown[];
  constructor(errors: readonly unknown[]) {
    const last = errors.at(-1);
    const rateLimited = errors.find(
      (e): e is UpstreamError => e instanceof UpstreamError && e.failure === 'rate_limited',
    );
    super(
      rateLimited ? 'rate_limited' : 'http',
      `every upstream failed: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ') || 'no upstream configured'}`,
      rateLimited
        ? { status: 429, ...(rateLimited.retryAfter ? { retryAfter: rateLimited.retryAfter } : {}) }
        : { status: 502, cause: last },
    );
    this.errors = errors;
  }
}

export async function serveWithFailover(
  ladder: readonly Candidate[],
  request: UpstreamRequest,
  signal: AbortSignal,
  options: FailoverOptions,
  events: FailoverEvents,
): Promise<Served> {
  const errors: unknown[] = [];
  for (const candidate of ladder) {
    for (let attempt = 0; attempt < options.attemptsPerUpstream; attempt++) {
      if (signal.aborted) throw new UpstreamError('aborted', 'client went away');
      if (attempt > 0) await sleep(options.backoffMs * 2 ** (attempt - 1));
      const state: { ttftMs?: number } = {};
      try {
        const run = () =>
          tracedAttempt(options.trace, candidate, () =>
            attemptOnce(candidate, request, signal, options, events, state),
          );
        return options.breakers ? await options.breakers.get(candidate.upstream.id).execute(run) : await run();
      } catch (thrown) {
        const error =
          thrown instanceof BrokenCircuitError
            ? new UpstreamError('circuit_open', `${candidate.upstream.id}: circuit open (recent failures)`)
            : thrown;
        const committed = state.ttftMs !== undefined && options.commitOnFirstPiece !== false;
        if (committed || signal.aborted) throw error; // the client has pieces of it, or nobody is listening
        if (causedByRequest(error)) throw error; // every rung would refuse it the same way
        if (state.ttftMs !== undefined) events.onDiscard?.();
        errors.push(error);
        events.onAttemptFailed?.(candidate, error);
        if (!(error instanceof UpstreamError && error.retryable)) break;
      }
    }
  }
  throw new NoUpstreamSucceeded(errors);
}

/** Thrown by our side for this request (it cannot be encoded, say): not an upstream's failure. */
const causedByRequest = (error: unknown) =>
  error instanceof RouterError && !(error instanceof UpstreamError) && error.code === 'invalid_request';

async function attemptOnce(
  candidate: Candidate,
  request: UpstreamRequest,
  signal: AbortSignal,
  options: FailoverOptions,
  events: FailoverEvents,
  state: { ttftMs?: number },
): Promise<Served> {
  const started = performance.now();
  // This attempt's own abort: the client going away, or no first byte in time.
  const attempt = new AbortController();
  const onClientAbort = () => attempt.abort();
  signal.addEventListener('abort', onClientAbort, { once: true });
  let hung = false;
  const firstByte = options.firstByteTimeoutMs
    ? setTimeout(() => {
        hung = true;
        attempt.abort();
      }, options.firstByteTimeoutMs)
    : undefined;
  const stream = candidate.upstream.generate(request, attempt.signal);
  try {
    for (;;) {
      const step = await stream.next().catch((error: unknown) => {
        throw hung
          ? new UpstreamError(
              'first_byte_timeout',
              `${candidate.upstream.id}: no first byte within ${options.firstByteTimeoutMs} ms`,
              { cause: error },
            )
          : error;
      });
      if (hung)
        throw new UpstreamError(
          'first_byte_timeout',
          `${candidate.upstream.id}: no first byte within ${options.firstByteTimeoutMs} ms`,
        );
      if (step.done)
        return {
          candidate,
          result: step.value,
          ttftMs: state.ttftMs ?? performance.now() - started,
          durationMs: performance.now() - started,
        };
      if (state.ttftMs === undefined) {
        clearTimeout(firstByte);
        state.ttftMs = performance.now() - started;
      }
      await events.onPiece(step.value, candidate);
    }
  } finally {
    clearTimeout(firstByte);
    signal.removeEventListener('abort', onClientAbort);
    await stream.return(undefined as never).catch(() => undefined);
  }
}
