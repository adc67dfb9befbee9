import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createNodeEngine } from '../node/local-model.js';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import type { Candidate } from './selector.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { createEmbeddedOnnxUpstream } from './upstream/embedded-onnx.js';
import { createOpenAiHttpUpstream } from './upstream/openai-http.js';
import { undiciTransport } from './upstream/undici-transport.js';

// A preferred upstream that misbehaves, the embedded model as the healthy fallback.
const remote = (baseUrl: string, id = 'remote'): Candidate => ({
  upstream: createOpenAiHttpUpstream({
    id,
    baseUrl,
    upstreamModel: id,
    idleTimeoutMs: 30_000,
    transport: undiciTransport,
  }),
  priorQuality: 0.9,
  usdPer1kTokens: 0,
  ttftMs: 100,
  tokensPerSecond: 50,
});
const embedded = (): Candidate => ({
  upstream: createEmbeddedOnnxUpstream(createNodeEngine),
  priorQuality: 0.1,
  usdPer1kTokens: 0,
  ttftMs: 5,
  tokensPerSecond: 1000,
});
const ask = (c: OpenAI) =>
  c.chat.completions.create({
    model: 'auto',
    messages: [{ role: 'user', content: 'Once upon a time' }],
    max_tokens: 4,
  });

let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
});
afterAll(() => fake.close());

describe('failover that is fast and honest', () => {
  it('an upstream that hangs before headers is abandoned at the first-byte timeout (not the 30 s idle timeout), not retried', async () => {
    fake.behaviour = 'hang';
    const before = fake.requests;
    const proxy = await listen(
      createProxyApp({
        config: { first_byte_timeout_ms: 300, backoff_ms: 1 },
        candidates: [remote(fake.url), embedded()],
      }).fetch,
      0,
    );
    try {
      const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0, timeout: 10_000 });
      const answer = await ask(client);
      expect(answer.model).toBe('stories260K');
      expect(fake.requests - before).toBe(1); // a hang is not retried on the same upstream
    } finally {
      await proxy.close();
    }
  });

  describe('a dead upstream: its circuit opens, it is skipped, /health says degraded, and it falls in the ladder', () => {
    let proxy: RunningProxy;
    let client: OpenAI;
    beforeAll(async () => {
      proxy = await listen(
        createProxyApp({
          config: { backoff_ms: 1, attempts_per_upstream: 1, circuit_failures: 2, circuit_half_open_ms: 60_000 },
          candidates: [remote('http://127.0.0.1:9/v1', 'dead'), embedded()],
        }).fetch,
        0,
      );
      client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0 });
    });
    afterAll(() => proxy.close());
    const health = async () =>
      (await fetch(`${proxy.url}/health`)).json() as Promise<{
        status: string;
        upstreams: { id: string; state: string; ttft_ms: number }[];
      }>;
    const deadErrors = async () =>
      Number(
        /riskgate_errors_total\{code="refused",upstream="dead"\} (\d+)/.exec(
          await (await fetch(`${proxy.url}/metrics`)).text(),
        )?.[1] ?? 0,
      );

    it('opens after two failures; the next requests skip it without a connection attempt', async () => {
      expect((await health()).status).toBe('ok');
      const ttftBefore = (await health()).upstreams.find((u) => u.id === 'dead')!.ttft_ms;
      for (let i = 0; i < 2; i++) expect((await ask(client)).model).toBe('stories260K');
      const after = await health();
      expect(after.status).toBe('degraded');
      expect(after.upstreams.find((u) => u.id === 'dead')).toMatchObject({ state: 'open' });
      expect(after.upstreams.find((u) => u.id === 'dead')!.ttft_ms).toBeGreaterThan(ttftBefore); // failures cost it in the selector
      const refusedSoFar = await deadErrors();
      for (let i = 0; i < 3; i++) expect((await ask(client)).model).toBe('stories260K');
      expect(await deadErrors()).toBe(refusedSoFar); // skipped: no new refused connection
    });
  });
});
