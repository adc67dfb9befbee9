/**
 * @module redis-stores
 * The state several proxy instances must share, in Redis (ioredis), behind the same interfaces
 * as the in-memory stores: the rate limiter (INCR + EXPIRE per caller and minute), the daily
 * budget (INCRBYFLOAT per caller and UTC day, expiring after two days) and the idempotency keys
 * (SET NX for "running", the finished answer as JSON, both with a TTL). Configured by `redis_url`.
 */
import { Redis } from 'ioredis';
import type { BudgetStore, RateLimiter } from './limits.js';
import type { IdempotencyStore, StoredAnswer } from './idempotency.js';

const RESERVE_SCRIPT = `
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local limit = tonumber(ARGV[2])
if spent >= limit - 1e-12 then return '0' end
local taken = math.min(tonumber(ARGV[1]), limit - spent)
redis.call('INCRBYFLOAT', KEYS[1], taken)
redis.call('EXPIRE', KEYS[1], 172800)
return tostring(taken)`;

export type RedisStores = {
  rateLimiter: RateLimiter;
  budget: BudgetStore;
  idempotency: IdempotencyStore;
  /** Connected and ready (what /health reports). */
  healthy(): boolean;
  /** Resolves once connected, or after `waitMs` without (the proxy then starts degraded). */
  connected(waitMs: number): Promise<void>;
  close(): Promise<void>;
};

export function createRedisStores(
  url: string,
  {
    perMinute,
    prefix = 'riskgate',
    idempotencyTtlS = 24 * 3600,
    runningTtlS = 600,
  }: { perMinute: number; prefix?: string; idempotencyTtlS?: number; runningTtlS?: number },
): RedisStores {
  // Fail fast while Redis is down (guarded-stores.ts decides what then): a command waits at most
  // one reconnection attempt and `commandTimeout`, never ioredis's default 20 retries.
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    lazyConnect: false,
    commandTimeout: 1_000,
    connectTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on('error', () => {
    /* reported through healthy() and each failed command */
  });
  const rateLimiter: RateLimiter = {
    async take(key, now = Date.now(), limit = perMinute) {
      const start = now - (now % 60_000);
      const k = `${prefix}:rl:${key}:${start}`;
      const [[, count]] = (await redis.multi().incr(k).pexpire(k, 61_000).exec()) as [[null, number], [null, number]];
      return {
        allowed: count <= limit,
        retryAfterS: Math.ceil((start + 60_000 - now) / 1000),
        limit,
        remaining: Math.max(0, limit - count),
      };
    },
  };
  const budget: BudgetStore = {
    async spent(key, day) {
      return Number((await redis.get(`${prefix}:budget:${key}:${day}`)) ?? 0);
    },
    async add(key, day, usd) {
      const k = `${prefix}:budget:${key}:${day}`;
      await redis
        .multi()
        .incrbyfloat(k, usd)
        .expire(k, 2 * 86_400)
        .exec();
    },
    async reserve(key, day, usd, limit) {
      // One script: the check and the add cannot interleave with another instance's.
      return Number(await redis.eval(RESERVE_SCRIPT, 1, `${prefix}:budget:${key}:${day}`, String(usd), String(limit)));
    },
  };
  const idempotency: IdempotencyStore = {
    async begin(key, fingerprint) {
      const k = `${prefix}:idem:${key}`;
      // A crashed instance's "running" mark expires, so the key is not stuck forever.
      if ((await redis.set(k, `running:${fingerprint}`, 'EX', runningTtlS, 'NX')) === 'OK') return 'new';
      const value = await redis.get(k);
      if (value === null) return 'running';
      if (value.startsWith('running:')) return value === `running:${fingerprint}` ? 'running' : 'mismatch';
      const answer = JSON.parse(value) as StoredAnswer;
      return answer.fingerprint === fingerprint ? answer : 'mismatch';
    },
    async finish(key, answer) {
      await redis.set(`${prefix}:idem:${key}`, JSON.stringify(answer), 'EX', idempotencyTtlS);
    },
    async forget(key) {
      await redis.del(`${prefix}:idem:${key}`);
    },
  };
  return {
    rateLimiter,
    budget,
    idempotency,
    healthy: () => redis.status === 'ready',
    connected: (waitMs) =>
      new Promise<void>((resolve) => {
        if (redis.status === 'ready') return resolve();
        const timer = setTimeout(resolve, waitMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
