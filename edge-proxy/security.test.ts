import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyApp } from './app.js';
import { checkExposure, listen, startProxy, type RunningProxy } from './server.js';
import { parseConfig } from './config.js';
import { mintWidgetToken } from './widget-tokens.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { createEmbeddedThreadUpstream } from './upstream/embedded-threads.js';
import { createOpenAiHttpUpstream } from './upstream/openai-http.js';
import { undiciTransport } from './upstream/undici-transport.js';

const json = { 'content-type': 'application/json' };
const ask = (content = 'Once upon a time') =>
  JSON.stringify({ model: 'auto', messages: [{ role: 'user', content }], max_tokens: 4 });
let proxy: RunningProxy;
beforeAll(async () => {
  proxy = await startProxy(0, { config: { rate_limit_per_minute: 2 } });
});
afterAll(() => proxy.close());
const post = (body: string, headers: Record<string, string> = json) =>
  fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers, body });

describe('edge proxy: safe defaults', () => {
  it('listens on loopback, and refuses a public address without tokens unless anonymous access is asked for', () => {
    expect((proxy.server.address() as { address: string }).address).toBe('127.0.0.1');
    expect(() => checkExposure(parseConfig({ host: '0.0.0.0' }))).toThrow(
      /refusing to listen on 0\.0\.0\.0 without tokens/,
    );
    expect(() => checkExposure(parseConfig({ host: '0.0.0.0', tokens: ['a-long-token'] }))).not.toThrow();
    expect(() => checkExposure(parseConfig({ host: '0.0.0.0', allow_anonymous: true }))).not.toThrow();
  });

  it('allows no cross-origin page by default (CORS), only the configured ones', async () => {
    const preflight = (app: ReturnType<typeof createProxyApp>, origin: string) =>
      app.request('/v1/chat/completions', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const closed = createProxyApp({ candidates: [] });
    expect((await preflight(closed, 'https://shop.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    const open = createProxyApp({ config: { cors_origins: ['https://shop.example.com'] }, candidates: [] });
    expect((await preflight(open, 'https://shop.example.com')).headers.get('access-control-allow-origin')).toBe(
      'https://shop.example.com',
    );
  });

  it('takes only application/json bodies (a text/plain POST would skip the CORS preflight): 415', async () => {
    const plain = await post(ask(), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ error: { code: 'unsupported_media_type', param: 'content-type' } });
    expect((await post(ask(), {})).status).toBe(415);
  });

  it('keys the rate limit on the socket: a spoofed X-Forwarded-For does not buy a fresh bucket', async () => {
    const statuses: number[] = [];
    for (const spoof of ['1.1.1.1', '2.2.2.2', '3.3.3.3'])
      statuses.push((await post(ask(), { ...json, 'x-forwarded-for': spoof })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('echoes a safe x-request-id and replaces anything else', async () => {
    const fresh = await startProxy(0);
    try {
      const send = (id: string) =>
        fetch(`${fresh.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { ...json, 'x-request-id': id },
          body: ask(),
        });
      expect((await send('req-123.abc')).headers.get('x-request-id')).toBe('req-123.abc');
      for (const hostile of ['<script>alert(1)</script>', 'a'.repeat(500), 'id with spaces']) {
        const answered = await send(hostile);
        expect(answered.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        expect(JSON.stringify(await answered.json())).not.toContain(hostile);
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('edge proxy: hostile input and error hygiene', () => {
  let fake: FakeOpenAiServer;
  let app: RunningProxy;
  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
    fake.behaviour = 'status500';
    app = await listen(
      createProxyApp({
        config: { backoff_ms: 1, attempts_per_upstream: 1, max_messages: 20_000, max_body_bytes: 2_000_000 },
        candidates: [
          {
            upstream: createOpenAiHttpUpstream({
              id: 'remote',
              baseUrl: fake.url,
              upstreamModel: 'remote',
              idleTimeoutMs: 300,
              transport: undiciTransport,
            }),
            priorQuality: 0.9,
            usdPer1kTokens: 0,
            ttftMs: 1,
            tokensPerSecond: 100,
          },
          {
            upstream: createOpenAiHttpUpstream({
              id: 'dead',
              baseUrl: 'http://127.0.0.1:9/v1',
              upstreamModel: 'dead',
              idleTimeoutMs: 300,
              transport: undiciTransport,
            }),
            priorQuality: 0.8,
            usdPer1kTokens: 0,
            ttftMs: 1,
            tokensPerSecond: 100,
          },
        ],
      }).fetch,
      0,
    );
  });
  afterAll(async () => {
    await app.close();
    await fake.close();
  });

  it('never passes upstream error bodies or internal addresses to the client; names the failures and the request id', async () => {
    const response = await fetch(`${app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...json, 'x-request-id': 'trace-42' },
      body: ask(),
    });
    expect(response.status).toBe(502);
    const text = await response.text();
    for (const secret of ['boom', 'db-7.internal', 'SECRETORG', '127.0.0.1:9', 'ECONNREFUSED'])
      expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({
      error: { code: 'upstream_failed', message: expect.stringContaining('request id trace-42') },
    });
  });

  it('refuses too many messages or too much text with a 400 naming the limit', async () => {
    const strict = createProxyApp({ config: { max_messages: 512, max_prompt_chars: 1000 }, candidates: [] });
    const many = await strict.request('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ messages: Array.from({ length: 10_000 }, () => ({ role: 'user', content: 'hi' })) }),
    });
    expect(many.status).toBe(400);
    expect(await many.json()).toMatchObject({
      error: { param: 'messages', message: expect.stringContaining('max_messages') },
    });
    const long = await strict.request('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: ask('x'.repeat(1001)),
    });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({
      error: { code: 'context_window_exceeded', message: expect.stringContaining('max_prompt_chars') },
    });
  });

  it('a 10,000-message body does not stall /health: it answers while the big request is being served', async () => {
    const embedded = await listen(
      createProxyApp({
        config: { max_messages: 20_000, max_prompt_chars: 1_000_000, max_body_bytes: 2_000_000 },
        candidates: [
          {
            upstream: createEmbeddedThreadUpstream({ threads: 1 }),
            priorQuality: 0.5,
            usdPer1kTokens: 0,
            ttftMs: 5,
            tokensPerSecond: 1000,
          },
        ],
      }).fetch,
      0,
    );
    try {
      const messages = Array.from({ length: 10_000 }, (_, i) => ({
        role: i % 2 ? 'assistant' : 'user',
        content: `short message number ${i}`,
      }));
      messages.push({ role: 'user', content: 'Once upon a time' });
      const order: string[] = [];
      const big = fetch(`${embedded.url}/v1/chat/completions`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ messages, max_tokens: 64 }),
      }).then(async (r) => {
        order.push(`big ${r.status}`);
        return r.json();
      });
      await new Promise((r) => setTimeout(r, 20));
      const health = await fetch(`${embedded.url}/health`);
      order.push(`health ${health.status}`);
      const answer = (await big) as { choices: { message: { content: string } }[] };
      expect(order).toEqual(['health 200', 'big 200']);
      expect(answer.choices[0]!.message.content.length).toBeGreaterThan(0);
    } finally {
      await embedded.close();
    }
  });
});

describe('edge proxy: short-lived widget tokens (signed by the site backend)', () => {
  const secret = 'a-shared-secret-of-the-site-backend';
  const app = createProxyApp({ widgetTokenSecret: secret, candidates: [] });
  const call = (token?: string) =>
    app.request('/v1/models', { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('accepts a valid token, refuses a missing, expired, forged or unsigned one with 401 and WWW-Authenticate', async () => {
    expect((await call(await mintWidgetToken(secret, { subject: 'visitor-1', ttlSeconds: 60 }))).status).toBe(200);
    const missing = await call();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="riskgate"');
    expect((await call(await mintWidgetToken(secret, { subject: 'visitor-1', ttlSeconds: -10 }))).status).toBe(401);
    expect((await call(await mintWidgetToken('another-secret-entirely', { subject: 'visitor-1' }))).status).toBe(401);
    const [header, payload] = (await mintWidgetToken(secret, { subject: 'visitor-1' })).split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    expect(header).toBeTruthy();
    expect((await call(unsigned)).status).toBe(401);
  });
});
