/**
 * @module circuit-breakers
 * One circuit breaker per upstream (cockatiel): after `failures` consecutive failures an upstream
 * is skipped at once for `halfOpenAfterMs`, then one request tries it again. A dead upstream then
 * costs nothing instead of a connect attempt per request, and `/health` can say it is down.
 */
import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { UpstreamError } from './upstream/upstream-error.js';

export type BreakerOptions = { readonly failures: number; readonly halfOpenAfterMs: number };

/**
 * What counts against an upstream: it failed to serve (refused, hung, cut, a 5xx). Not a client's
 * abort, a miss or a 4xx, and not an error that is not an UpstreamError: those are thrown by our
 * side while handling the request (a body `JSON.stringify` cannot write, say), so counting them let
 * one caller open everyone's circuits (issue 24, S2). Adapters turn every transport failure into an
 * UpstreamError, so nothing an upstream does escapes this.
 */
const upstreamFault = (error: Error) =>
  error instanceof UpstreamError &&
  (error.failure === 'refused' ||
    error.failure === 'timeout' ||
    error.failure === 'first_byte_timeout' ||
    error.failure === 'cut' ||
    (error.failure === 'http' && (error.status ?? 500) >= 500));

export type Breakers = {
  get(id: string): CircuitBreakerPolicy;
  state(id: string): 'closed' | 'open' | 'half-open';
};

export function createBreakers(options: BreakerOptions): Breakers {
  const byId = new Map<string, CircuitBreakerPolicy>();
  const get = (id: string) => {
    let breaker = byId.get(id);
    if (!breaker) {
      breaker = circuitBreaker(handleWhen(upstreamFault), {
        halfOpenAfter: options.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(options.failures),
      });
      byId.set(id, breaker);
    }
    return breaker;
  };
  return {
    get,
    state: (id) => {
      const s = get(id).state;
      return s === CircuitState.Open || s === CircuitState.Isolated
        ? 'open'
        : s === CircuitState.HalfOpen
          ? 'half-open'
          : 'closed';
    },
  };
}
