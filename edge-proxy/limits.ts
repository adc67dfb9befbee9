/**
 * @module limits
 * Per-token rate limit and USD budget behind small interfaces. The in-memory implementations
 * suit one process; several proxy instances must share state, which is what a Redis-backed
 * implementation of the same interfaces is for (INCR with EXPIRE per window / per day).
 */

export interface RateLimiter {
  /** Counts one request; false when the caller is over its limit for the current window. */
  take(key: string, now?: number): Promise<{ allowed: boolean; retryAfterS: number }>;
}

export interface BudgetStore {
  spent(key: string, day: string): Promise<number>;
  add(key: string, day: string, usd: number): Promise<void>;
}

/** Fixed one-minute windows per key; windows of past minutes are dropped, so memory is bounded by the callers of one minute. */
export function createMemoryRateLimiter(perMinute: number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let pruned = 0;
  return {
    async take(key, now = Date.now()) {
      const start = now - (now % 60_000);
      if (start !== pruned) {
        for (const [k, w] of windows) if (w.start < start) windows.delete(k);
        pruned = start;
      }
      const w = windows.get(key);
      const current = w && w.start === start ? w : { start, count: 0 };
      current.count++;
      windows.set(key, current);
      return { allowed: current.count <= perMinute, retryAfterS: Math.ceil((start + 60_000 - now) / 1000) };
    },
  };
}

export function createMemoryBudgetStore(): BudgetStore {
  const spent = new Map<string, number>();
  return {
    async spent(key, day) { return spent.get(`${key}|${day}`) ?? 0; },
    async add(key, day, usd) { spent.set(`${key}|${day}`, (spent.get(`${key}|${day}`) ?? 0) + usd); },
  };
}

export const utcDay = (now = Date.now()) => new Date(now).toISOString().slice(0, 10);
