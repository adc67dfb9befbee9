/**
 * @module limits
 * Per-token rate limit and USD budget behind small interfaces. The in-memory implementations
 * suit one process; several proxy instances must share state, which is what a Redis-backed
 * implementation of the same interfaces is for (INCR with EXPIRE per window / per day).
 */

export interface RateLimiter {
  /** Counts one request; false when the caller is over its limit (`perMinute`: a key's own, else the default) for the current window. */
  take(key: string, now?: number, perMinute?: number): Promise<RateLimitTake>;
}

/** `limit` and `remaining` of the current window, and when it ends: what the x-ratelimit-* headers say. */
export type RateLimitTake = {
  readonly allowed: boolean;
  readonly retryAfterS: number;
  readonly limit: number;
  readonly remaining: number;
};

export interface BudgetStore {
  spent(key: string, day: string): Promise<number>;
  /** Adds `usd` (negative: gives back part of a reservation). */
  add(key: string, day: string, usd: number): Promise<void>;
  /**
   * Atomically reserves `usd`, or what is left of `limit` when that is less; 0 (nothing reserved)
   * once the day's budget is spent. An answer reserves its worst case before it starts and settles
   * after (issue 24, S5: checked before and charged after, 20 concurrent requests spent 12× a day's
   * budget). The overrun is then at most one answer's cost beyond what was left, whatever the concurrency.
   */
  reserve(key: string, day: string, usd: number, limit: number): Promise<number>;
}

/** Fixed one-minute windows per key; windows of past minutes are dropped, so memory is bounded by the callers of one minute. */
export function createMemoryRateLimiter(perMinute: number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let pruned = 0;
  return {
    async take(key, now = Date.now(), limit = perMinute) {
      const start = now - (now % 60_000);
      if (start !== pruned) {
        for (const [k, w] of windows) if (w.start < start) windows.delete(k);
        pruned = start;
      }
      const w = windows.get(key);
      const current = w && w.start === start ? w : { start, count: 0 };
      current.count++;
      windows.set(key, current);
      return {
        allowed: current.count <= limit,
        retryAfterS: Math.ceil((start + 60_000 - now) / 1000),
        limit,
        remaining: Math.max(0, limit - current.count),
      };
    },
  };
}

export function createMemoryBudgetStore(): BudgetStore {
  const spent = new Map<string, number>();
  return {
    async spent(key, day) {
      return spent.get(`${key}|${day}`) ?? 0;
    },
    async add(key, day, usd) {
      spent.set(`${key}|${day}`, (spent.get(`${key}|${day}`) ?? 0) + usd);
    },
    async reserve(key, day, usd, limit) {
      const now = spent.get(`${key}|${day}`) ?? 0;
      if (now >= limit - 1e-12) return 0;
      const taken = Math.min(usd, limit - now);
      spent.set(`${key}|${day}`, now + taken);
      return taken;
    },
  };
}

export const utcDay = (now = Date.now()) => new Date(now).toISOString().slice(0, 10);
