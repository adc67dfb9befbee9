import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyApp } from './app.js';
import { createMemoryBudgetStore, utcDay } from './limits.js';
import { listen, type RunningProxy } from './server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { createOpenAiHttpUpstream } from './upstream/openai-http.js';
import { undiciTransport } from './upstream/undici-transport.js';

// Issue 24, S5: budgets were checked before and charged after (20 concurrent requests spent 12× a
// $0.05 budget), an aborted stream was never charged, and with `stop` prompt tokens were 0.
const json = { 'content-type': 'application/json' };
let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAiServer({ slowFirstTokenMs: 300 });
});
afterAll(() => fake.close());
// $10 per 1k tokens: a 2-character prompt (1 token) and max_tokens 9 cost at most 10 tokens = $0.10.
const remote = () => ({
  upstream: createOpenAiHttpUpstream({
    id: 'dear',
    baseUrl: fake.url,
    upstreamModel: 'dear',
    idleTimeoutMs: 5000,
    transport: undiciTransport,
  }),
  priorQuality: 0.5,
  usdPer1kTokens: 10,
  ttftMs: 50,
  tokensPerSecond: 50,
});
const ask = (extra: object = {}) =>
  JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 9, ...extra });

describe('edge proxy: budgets reserved before, settled after', () => {
  it('twenty concurrent requests against a budget worth five: five are answered, fifteen get 429, the spend stays within it', async () => {
    fake.behaviour = 'slow_first_token';
    const budget = createMemoryBudgetStore();
    const proxy = await listen(
      createProxyApp({
        config: { budget_usd_per_day: 0.5, rate_limit_per_minute: 1000 },
        candidates: [remote()],
        budget,
      }).fetch,
      0,
    );
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: json, body: ask() }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect(await budget.spent('addr:127.0.0.1', utcDay())).toBeLessThanOrEqual(0.5 + 1e-9);
    await proxy.close();
    fake.behaviour = 'ok';
  });

  it('a stream the client aborts is charged for what it sent, and a refused one for nothing', async () => {
    const budget = createMemoryBudgetStore();
    let proxy: RunningProxy | undefined;
    try {
      proxy = await listen(
        createProxyApp({
          config: { budget_usd_per_day: 100 },
          candidates: [remote()],
          budget,
          clientAddress: () => 'me',
        }).fetch,
        0,
      );
      const controller = new AbortController();
      const response = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: json,
        body: ask({ stream: true }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read(); // the first piece arrived
      controller.abort();
      await new Promise((r) => setTimeout(r, 300));
      expect(await budget.spent('addr:me', utcDay())).toBeGreaterThan(0);
    } finally {
      await proxy?.close();
    }
  });

  it('with stop, the usage still counts the prompt', async () => {
    const app = createProxyApp({ config: {}, candidates: [remote()] });
    const response = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: json,
      body: ask({ stop: ['capital'] }),
    });
    const body = (await response.json()) as {
      usage: { prompt_tokens: number };
      choices: { message: { content: string } }[];
    };
    expect(body.choices[0]!.message.content).not.toContain('capital');
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
  });
});
