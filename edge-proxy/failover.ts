/**
 * @module failover
 * Runs a request down the selector's ladder: each upstream gets `attempts` tries with doubling
 * backoff for retryable failures, then the next rung. Once the first piece has been sent to the
 * client the answer is committed to that upstream: a later failure is reported, not retried
 * (a retry would repeat text the client already has).
 */
import type { Candidate } from './selector.js';
import type { UpstreamRequest, UpstreamResult } from './upstream/upstream.js';
import { UpstreamError } from './upstream/upstream-error.js';

export type FailoverOptions = { readonly attemptsPerUpstream: number; readonly backoffMs: number };

export type Served = { readonly candidate: Candidate; readonly result: UpstreamResult; readonly ttftMs: number; readonly durationMs: number };

export type FailoverEvents = {
  /** Called with each piece; the first call commits the answer to `candidate`. */
  onPiece(piece: string, candidate: Candidate): Promise<void>;
  onAttemptFailed?(candidate: Candidate, error: unknown): void;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class NoUpstreamSucceeded extends UpstreamError {
  readonly errors: readonly unknown[];
  constructor(errors: readonly unknown[]) {
    const last = errors.at(-1);
    const rateLimited = errors.find((e): e is UpstreamError => e instanceof UpstreamError && e.failure === 'rate_limited');
    super(rateLimited ? 'rate_limited' : 'http', `every upstream failed: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ') || 'no upstream configured'}`,
      rateLimited ? { status: 429, ...(rateLimited.retryAfter ? { retryAfter: rateLimited.retryAfter } : {}) } : { status: 502, cause: last });
    this.errors = errors;
  }
}

export async function serveWithFailover(ladder: readonly Candidate[], request: UpstreamRequest, signal: AbortSignal, options: FailoverOptions, events: FailoverEvents): Promise<Served> {
  const errors: unknown[] = [];
  for (const candidate of ladder) {
    for (let attempt = 0; attempt < options.attemptsPerUpstream; attempt++) {
      if (signal.aborted) throw new UpstreamError('aborted', 'client went away');
      if (attempt > 0) await sleep(options.backoffMs * 2 ** (attempt - 1));
      const started = performance.now();
      let ttftMs: number | undefined;
      const stream = candidate.upstream.generate(request, signal);
      try {
        for (;;) {
          const step = await stream.next();
          if (step.done) return { candidate, result: step.value, ttftMs: ttftMs ?? performance.now() - started, durationMs: performance.now() - started };
          ttftMs ??= performance.now() - started;
          await events.onPiece(step.value, candidate);
        }
      } catch (error) {
        if (ttftMs !== undefined || signal.aborted) throw error; // committed, or nobody is listening
        errors.push(error);
        events.onAttemptFailed?.(candidate, error);
        if (!(error instanceof UpstreamError && error.retryable)) break;
      } finally {
        await stream.return(undefined as never);
      }
    }
  }
  throw new NoUpstreamSucceeded(errors);
}
