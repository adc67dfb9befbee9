import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBudgetStore, createMemoryRateLimiter, type BudgetStore, type RateLimiter } from './limits.js';
import { createMemoryIdempotencyStore, type IdempotencyStore, type StoredAnswer } from './idempotency.js';
import { createRedisStores, type RedisStores } from './redis-stores.js';
import { hasRedisServer, startRedisServer } from './testing/redis-server.js';

const redisAvailable = hasRedisServer();
let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined;
const stores: RedisStores[] = [];
beforeAll(async () => {
  if (redisAvailable) redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await redis?.stop();
});
let n = 0;
const redisStores = (perMinute: number) => {
  const s = createRedisStores(redis!.url, { perMinute, prefix: `t${++n}` });
  stores.push(s);
  return s;
};

type Shared = {
  limiter: (perMinute: number) => RateLimiter;
  budget: () => BudgetStore;
  idempotency: () => IdempotencyStore;
};
const implementations: [string, Shared][] = [
  [
    'memory',
    {
      limiter: createMemoryRateLimiter,
      budget: createMemoryBudgetStore,
      idempotency: () => createMemoryIdempotencyStore(),
    },
  ],
  [
    'redis',
    {
      limiter: (p) => redisStores(p).rateLimiter,
      budget: () => redisStores(1).budget,
      idempotency: () => redisStores(1).idempotency,
    },
  ],
];
const answer: StoredAnswer = {
  id: 'chatcmpl-1',
  model: 'm',
  content: 'hello',
  finishReason: 'stop',
  usage: null,
  headers: {},
};

for (const [name, impl] of implementations) {
  describe.skipIf(name === 'redis' && !redisAvailable)(`shared-state contract: ${name}`, () => {
    it('rate limiter: per caller and per minute window, with the seconds to wait', async () => {
      const limiter = impl.limiter(2);
      const t = Date.UTC(2026, 10, 30, 12, 0, 10);
      expect((await limiter.take('a', t)).allowed).toBe(true);
      expect((await limiter.take('a', t)).allowed).toBe(true);
      expect(await limiter.take('a', t)).toEqual({ allowed: false, retryAfterS: 50, limit: 2, remaining: 0 });
      expect((await limiter.take('b', t)).allowed).toBe(true);
      expect((await limiter.take('a', t + 60_000)).allowed).toBe(true);
      // A key's own limit (virtual keys) in the same store.
      expect(await limiter.take('c', t, 5)).toEqual({ allowed: true, retryAfterS: 50, limit: 5, remaining: 4 });
    });

    it('budget: adds up per caller and day', async () => {
      const budget = impl.budget();
      await budget.add('a', '2026-11-30', 0.25);
      await budget.add('a', '2026-11-30', 0.5);
      expect(await budget.spent('a', '2026-11-30')).toBeCloseTo(0.75);
      expect(await budget.spent('a', '2026-12-01')).toBe(0);
      expect(await budget.spent('b', '2026-11-30')).toBe(0);
    });

    it('budget: a reservation is atomic, never past the limit, even when twenty race', async () => {
      const budget = impl.budget();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => budget.reserve('r', '2026-12-01', 0.01, 0.05)),
      );
      expect(results.filter((usd) => usd > 0)).toHaveLength(5);
      expect(await budget.spent('r', '2026-12-01')).toBeCloseTo(0.05, 9);
      await budget.add('r', '2026-12-01', -0.004); // an answer cost less than reserved: the rest comes back
      expect(await budget.reserve('r', '2026-12-01', 0.01, 0.05)).toBeCloseTo(0.004, 9); // what is left, no more
      expect(await budget.reserve('r', '2026-12-01', 0.01, 0.05)).toBe(0);
    });

    it('idempotency: new, then running, then the kept answer; forget starts over', async () => {
      const store = impl.idempotency();
      expect(await store.begin('k1', 'f1')).toBe('new');
      expect(await store.begin('k1', 'f1')).toBe('running');
      await store.finish('k1', { ...answer, fingerprint: 'f1' });
      expect(await store.begin('k1', 'f1')).toEqual({ ...answer, fingerprint: 'f1' });
      expect(await store.begin('k2', 'f2')).toBe('new');
      await store.forget('k2');
      expect(await store.begin('k2', 'f2')).toBe('new');
    });

    it('idempotency: a key held for another body is a mismatch, running or finished', async () => {
      const store = impl.idempotency();
      expect(await store.begin('k3', 'body-a')).toBe('new');
      expect(await store.begin('k3', 'body-b')).toBe('mismatch');
      await store.finish('k3', { ...answer, fingerprint: 'body-a' });
      expect(await store.begin('k3', 'body-b')).toBe('mismatch');
      expect(await store.begin('k3', 'body-a')).toMatchObject({ fingerprint: 'body-a' });
    });
  });
}
