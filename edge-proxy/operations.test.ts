import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import OpenAI, { type APIError } from 'openai';
import { startProxy, type RunningProxy } from './server.js';
import { DEFAULT_RECORDINGS } from './upstreams-from-config.js';
import { createMemoryRateLimiter } from './limits.js';

const gpt4 = readFileSync(DEFAULT_RECORDINGS, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { prompt: string; model: string; response: string })
  .find((r) => r.model === 'gpt-4-1106-preview')!;
let proxy: RunningProxy;
beforeAll(async () => {
  // The test client plays a trusted reverse proxy, so its X-Forwarded-For names the caller.
  proxy = await startProxy(0, {
    config: { budget_usd_per_day: 0.001, rate_limit_per_minute: 1000, trusted_proxies: ['127.0.0.1'] },
  });
});
/** With auth off the caller is the (trusted) x-forwarded-for; each test spends as its own caller. */
const clientFor = (caller: string) =>
  new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0, defaultHeaders: { 'x-forwarded-for': caller } });
afterAll(() => proxy.close());

describe('edge proxy on its default models', () => {
  it('serves a known GSM8K prompt from GPT-4’s real recorded answer at λ = 0 (best prior quality)', async () => {
    const { data, response } = await clientFor('a')
      .chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: gpt4.prompt }],
        max_tokens: 4096,
        router: { cost_weight: 0 },
      } as never)
      .withResponse();
    expect(data.model).toBe('gpt-4-1106-preview');
    expect(response.headers.get('x-router-served-by')).toBe('gpt-4-1106-preview');
    expect(data.choices[0]!.message.content).toBe(gpt4.response);
  });

  it('moves to cheaper, faster models as the cost weight grows (Mixtral at λ = 0.2, stories260K at λ = 5)', async () => {
    const at = (cost_weight: number) =>
      clientFor('b').chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: gpt4.prompt }],
        max_tokens: 256,
        router: { cost_weight },
      } as never);
    expect((await at(0.2)).model).toBe('mistralai/Mixtral-8x7B-Instruct-v0.1');
    expect((await at(5)).model).toBe('stories260K');
  });

  it('exports Prometheus metrics: requests, decisions, per-upstream latency, tokens, cost, errors', async () => {
    await clientFor('c')
      .chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] })
      .catch(() => undefined);
    const text = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(text).toMatch(/riskgate_requests_total\{route="\/v1\/chat\/completions",status="200"\} \d+/);
    expect(text).toMatch(/riskgate_decisions_total\{decision="edge"\} [1-9]/);
    expect(text).toMatch(/riskgate_upstream_ttft_seconds_count\{upstream="gpt-4-1106-preview"\} 1/);
    expect(text).toMatch(/riskgate_tokens_total\{upstream="gpt-4-1106-preview",kind="completion"\} [1-9]/);
    expect(text).toMatch(/riskgate_cost_usd_total\{upstream="gpt-4-1106-preview"\} 0\.\d+/);
    expect(text).toMatch(/riskgate_errors_total\{code="invalid_model",upstream="none"\} 1/);
  });

  it('refuses a caller whose daily USD budget is spent with 429 budget_exceeded', async () => {
    // Caller "a" spent about a cent on GPT-4 above, over this instance's $0.001 a day.
    const error = (await clientFor('a')
      .chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(error.status).toBe(429);
    expect(error.code).toBe('budget_exceeded');
  });

  it('rejects only_local (the edge never answers those) and malformed routing fields', async () => {
    for (const router of [
      { mode: 'only_local' },
      { cost_weight: -1 },
      { representation: 'not base64!' },
      { unknown: 1 },
    ]) {
      const error = (await clientFor('d')
        .chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], router } as never)
        .catch((e: unknown) => e)) as APIError;
      expect(error.status).toBe(400);
      expect(error.code).toBe('invalid_request');
    }
  });
});

describe('CORS allowlist', () => {
  it('answers a preflight only for configured origins', async () => {
    const { createProxyApp } = await import('./app.js');
    const app = createProxyApp({ config: { cors_origins: ['https://shop.example.com'] }, candidates: [] });
    const preflight = (origin: string) =>
      app.fetch(
        new Request('http://proxy/v1/chat/completions', {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        }),
      );
    expect((await preflight('https://shop.example.com')).headers.get('access-control-allow-origin')).toBe(
      'https://shop.example.com',
    );
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limiter (in memory)', () => {
  it('allows N per minute per key, then says when to come back', async () => {
    const limiter = createMemoryRateLimiter(2);
    const t = 120_000 + 15_000;
    expect((await limiter.take('k', t)).allowed).toBe(true);
    expect((await limiter.take('k', t)).allowed).toBe(true);
    expect(await limiter.take('k', t)).toEqual({ allowed: false, retryAfterS: 45, limit: 2, remaining: 0 });
    expect((await limiter.take('other', t)).allowed).toBe(true);
    expect((await limiter.take('k', t + 60_000)).allowed).toBe(true);
  });
});
