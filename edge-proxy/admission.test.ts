import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { createEmbeddedThreadUpstream } from './upstream/embedded-threads.js';
import { createOpenAiHttpUpstream } from './upstream/openai-http.js';
import { undiciTransport } from './upstream/undici-transport.js';

// Admission (issue 12): a bounded number of answers at once, a bounded queue per embedded thread,
// and a cap on a whole answer's time, each refused the OpenAI way with a code a client can act on.
const json = { 'content-type': 'application/json' };
const body = (extra: object = {}) =>
  JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 4, ...extra });
let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAiServer({ slowFirstTokenMs: 600 });
});
afterAll(() => fake.close());
const remote = (idleTimeoutMs = 5000) => ({
  upstream: createOpenAiHttpUpstream({
    id: 'remote',
    baseUrl: fake.url,
    upstreamModel: 'remote',
    idleTimeoutMs,
    transport: undiciTransport,
  }),
  priorQuality: 0.5,
  usdPer1kTokens: 0,
  ttftMs: 50,
  tokensPerSecond: 50,
});

describe('edge proxy: admission', () => {
  let proxy: RunningProxy;
  afterAll(() => proxy?.close());

  it('answers at most max_concurrent_requests at once; the rest get 503 overloaded with Retry-After', async () => {
    fake.behaviour = 'slow_first_token';
    proxy = await listen(createProxyApp({ config: { max_concurrent_requests: 2 }, candidates: [remote()] }).fetch, 0);
    const post = (b: string) => fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: b });
    const [a, b, c] = await Promise.all([
      post(body()),
      post(body()),
      new Promise((r) => setTimeout(r, 150)).then(() => post(body())),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(c.status).toBe(503);
    expect(c.headers.get('retry-after')).toBe('1');
    expect(await c.json()).toMatchObject({ error: { code: 'overloaded', type: 'server_error' } });
    expect((await post(body())).status).toBe(200); // both places free again
    fake.behaviour = 'ok';
  });

  it('counts an open stream until it ends, not until its headers went out', async () => {
    fake.behaviour = 'slow_first_token';
    // keepalive_ms 50: the stream's headers go out long before its first token (600 ms).
    const app = createProxyApp({ config: { max_concurrent_requests: 1, keepalive_ms: 50 }, candidates: [remote()] });
    const post = (b: string) => app.request('/v1/chat/completions', { method: 'POST', headers: json, body: b });
    const stream = await post(body({ stream: true }));
    expect(stream.status).toBe(200);
    expect((await post(body())).status).toBe(503); // the open stream holds the only place
    expect(await stream.text()).toContain('[DONE]');
    expect((await post(body())).status).toBe(200);
    fake.behaviour = 'ok';
  });

  it('ends an answer that runs past request_timeout_ms: 504 request_timeout (not a hang, not 60 s)', async () => {
    fake.behaviour = 'hang';
    const app = createProxyApp({
      config: { request_timeout_ms: 400, first_byte_timeout_ms: 10_000 },
      candidates: [remote(10_000)],
    });
    const started = performance.now();
    const response = await app.request('/v1/chat/completions', { method: 'POST', headers: json, body: body() });
    const elapsed = performance.now() - started;
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: { code: 'request_timeout', type: 'server_error' } });
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(5000);
    fake.behaviour = 'ok';
  });

  it('refuses a request when every embedded thread already has a full queue: 503 overloaded, Retry-After, and nothing waits forever', async () => {
    const embedded = createEmbeddedThreadUpstream({ threads: 1, queuePerThread: 1 });
    try {
      const app = createProxyApp({
        candidates: [{ upstream: embedded, priorQuality: 0.1, usdPer1kTokens: 0, ttftMs: 5, tokensPerSecond: 1000 }],
      });
      const post = (maxTokens: number) =>
        app.request('/v1/chat/completions', { method: 'POST', headers: json, body: body({ max_tokens: maxTokens }) });
      const [busy, refused] = await Promise.all([post(64), post(4)]);
      expect(busy.status).toBe(200);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ error: { code: 'overloaded' } });
      expect((await post(4)).status).toBe(200); // the queue drained
    } finally {
      await embedded.close();
    }
  });
});
