import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { createProxyApp } from './app.js';
import { createBreakers } from './circuit-breakers.js';
import { clientAddress } from './client-address.js';
import { createMemoryRateLimiter, type RateLimiter } from './limits.js';
import { nestingDepth } from './read-body.js';
import { listen, type RunningProxy } from './server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { remoteCandidate } from './testing/candidates.js';

// Issue 24, S2–S4 and S8: what a single caller must not be able to do to everyone else.
const json = { 'content-type': 'application/json' };
const ask = (extra: object = {}) =>
  JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4, ...extra });
const nested = (levels: number) => '{"a":'.repeat(levels) + '{}' + '}'.repeat(levels);

let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
});
afterAll(() => fake.close());
const remote = (id: string) => remoteCandidate(fake, { id, priorQuality: 0.5 });

describe("edge proxy: one caller cannot open everyone's circuit breakers (S2)", () => {
  let proxy: RunningProxy;
  afterAll(() => proxy?.close());

  it('refuses a 100k-level nested tool schema with 400 at validation; the upstreams stay healthy', async () => {
    const app = createProxyApp({ config: { circuit_failures: 2 }, candidates: [remote('a'), remote('b')] });
    proxy = await listen(app.fetch, 0);
    const hostile =
      `{"model":"auto","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function",` +
      `"function":{"name":"f","parameters":${nested(100_000)}}}]}`;
    const before = fake.requests;
    for (let i = 0; i < 3; i++) {
      const refused = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: hostile });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
    expect(fake.requests).toBe(before);
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as { upstreams: { state: string }[] };
    expect(health.upstreams.map((u) => u.state)).toEqual(['closed', 'closed']);
    expect(
      (await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: ask() })).status,
    ).toBe(200);
  });

  it('refuses nested tool_calls in the history with 400, not 500', async () => {
    const history = {
      role: 'assistant',
      content: null,
      tool_calls: [JSON.parse(`{"x":${'['.repeat(80)}${']'.repeat(80)}}`)],
    };
    const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }, history], max_tokens: 4 });
    const response = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body });
    expect(response.status).toBe(400);
  });

  it('a breaker counts upstream failures, never an error our side threw for the request', async () => {
    const breakers = createBreakers({ failures: 2, halfOpenAfterMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      await breakers
        .get('u')
        .execute(() => {
          throw new RangeError('Maximum call stack size exceeded');
        })
        .catch(() => undefined);
    }
    expect(breakers.state('u')).toBe('closed');
  });

  it('measures nesting outside strings only', () => {
    expect(nestingDepth('{"a":[1,{"b":"[[[[{{{{"}]}')).toBe(3);
    expect(nestingDepth('"\\"[[["')).toBe(0);
    expect(nestingDepth(nested(10))).toBe(11);
  });
});

describe('edge proxy: slow bodies cannot starve admission (S3)', () => {
  it('a client trickling its body holds no slot; it gets 408 body_timeout when its time is up', async () => {
    const app = createProxyApp({
      config: { max_concurrent_requests: 1, body_read_timeout_ms: 600 },
      candidates: [remote('a')],
    });
    const proxy = await listen(app.fetch, 0);
    const port = Number(new URL(proxy.url).port);
    // Ten slow bodies, each promising 100,000 bytes and sending one.
    const slow = Array.from(
      { length: 10 },
      () =>
        new Promise<string>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(
              'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
                'Content-Length: 100000\r\n\r\n{',
            );
          });
          let reply = '';
          socket.on('data', (d) => {
            reply += d.toString();
          });
          socket.on('close', () => resolve(reply));
          socket.on('error', () => resolve(reply));
        }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const legit = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: ask() });
    expect(legit.status).toBe(200);
    const replies = await Promise.all(slow);
    for (const reply of replies) expect(reply).toMatch(/^HTTP\/1\.1 408[\s\S]*body_timeout/);
    await proxy.close();
  });
});

describe('edge proxy: the caller behind a reverse proxy (S4) and the keys it is stored under (S8)', () => {
  it('believes only the hops our trusted proxies added: the right-most untrusted one', () => {
    const trusted = new Set(['10.0.0.1', '10.0.0.2']);
    expect(clientAddress('10.0.0.1', 'evil-choice, 203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.7, 10.0.0.2', trusted)).toBe('203.0.113.7');
    expect(clientAddress('198.51.100.9', '203.0.113.7', trusted)).toBe('198.51.100.9'); // socket not trusted
    expect(clientAddress('10.0.0.1', undefined, trusted)).toBe('10.0.0.1');
  });

  it('a client-chosen left-most X-Forwarded-For hop does not buy a fresh rate-limit bucket', async () => {
    const app = createProxyApp({
      config: { rate_limit_per_minute: 3, trusted_proxies: ['127.0.0.1'] },
      candidates: [remote('a')],
      clientAddress: () => '127.0.0.1',
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const headers = { ...json, 'x-forwarded-for': `10.9.9.${i}, 203.0.113.7` };
      statuses.push((await app.request('/v1/chat/completions', { method: 'POST', headers, body: ask() })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
  });

  it('stores no raw bearer token in a limiter or store key', async () => {
    const keys: string[] = [];
    const inner = createMemoryRateLimiter(100);
    const spy: RateLimiter = {
      take: (key, now) => {
        keys.push(key);
        return inner.take(key, now);
      },
    };
    const token = 'a-very-secret-token-0123456789';
    const app = createProxyApp({ config: { tokens: [token] }, candidates: [remote('a')], rateLimiter: spy });
    const headers = { ...json, authorization: `Bearer ${token}` };
    expect((await app.request('/v1/chat/completions', { method: 'POST', headers, body: ask() })).status).toBe(200);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^token:[0-9a-f]{32}$/);
    expect(keys.join()).not.toContain(token);
  });
});
