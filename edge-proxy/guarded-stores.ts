/**
 * @module guarded-stores
 * What the proxy does when its shared state (Redis) is down (issue 24, S7). It used to answer 500
 * `internal_error` after holding requests 10–15 s while ioredis retried, and /health said ok.
 * - fail closed (the default): a request that needs the state gets 503 `shared_state_unavailable`
 *   with Retry-After at once (the Redis client fails fast: no offline queue, short timeouts);
 * - fail open (`shared_state_failure: "open"`, said out loud): this process's own in-memory limits,
 *   budgets and idempotency keys stand in until Redis is back (per process, so looser).
 * Charging a budget after an answer was served never fails the answer: it falls back to memory
 * and is logged.
 */
import { RouterError } from '../core/errors.js';
import type { IdempotencyStore } from './idempotency.js';
import { createMemoryIdempotencyStore } from './idempotency.js';
import { createMemoryBudgetStore, createMemoryRateLimiter, type BudgetStore, type RateLimiter } from './limits.js';
import type { ProxyLogger } from './log.js';

export class SharedStateUnavailable extends RouterError {
  constructor(cause: unknown) {
    super('upstream_failed', 'the shared state (Redis) is unreachable; retry shortly', { cause });
    this.name = 'SharedStateUnavailable';
  }
}

export type Stores = {
  readonly rateLimiter: RateLimiter;
  readonly budget: BudgetStore;
  readonly idempotency: IdempotencyStore;
};

export function guardStores(shared: Stores, policy: 'closed' | 'open', perMinute: number, log: ProxyLogger): Stores {
  const local = {
    rateLimiter: createMemoryRateLimiter(perMinute),
    budget: createMemoryBudgetStore(),
    idempotency: createMemoryIdempotencyStore(),
  };
  const guard =
    <A extends unknown[], R>(what: string, run: (...a: A) => Promise<R>, fallback: (...a: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await run(...args);
      } catch (error) {
        log.warn({ error: String(error), what }, 'shared state unavailable');
        if (policy === 'open') return fallback(...args);
        throw new SharedStateUnavailable(error);
      }
    };
  return {
    rateLimiter: {
      take: guard(
        'rate limit',
        shared.rateLimiter.take.bind(shared.rateLimiter),
        local.rateLimiter.take.bind(local.rateLimiter),
      ),
    },
    budget: {
      spent: guard('budget', shared.budget.spent.bind(shared.budget), local.budget.spent.bind(local.budget)),
      reserve: guard('budget', shared.budget.reserve.bind(shared.budget), local.budget.reserve.bind(local.budget)),
      // Never fails an answer already given: kept in memory and logged.
      add: async (key, day, usd) => {
        try {
          await shared.budget.add(key, day, usd);
        } catch (error) {
          log.warn({ error: String(error), usd }, 'budget charge kept in this process only: shared state unavailable');
          await local.budget.add(key, day, usd);
        }
      },
    },
    idempotency: {
      begin: guard(
        'idempotency',
        shared.idempotency.begin.bind(shared.idempotency),
        local.idempotency.begin.bind(local.idempotency),
      ),
      finish: guard(
        'idempotency',
        shared.idempotency.finish.bind(shared.idempotency),
        local.idempotency.finish.bind(local.idempotency),
      ),
      forget: guard(
        'idempotency',
        shared.idempotency.forget.bind(shared.idempotency),
        local.idempotency.forget.bind(local.idempotency),
      ),
    },
  };
}
