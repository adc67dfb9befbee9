import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { APIError } from 'openai';
import { createNodeEngine } from '../node/local-model.js';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import type { Candidate } from './selector.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { createEmbeddedOnnxUpstream } from './upstream/embedded-onnx.js';
import { createOpenAiHttpUpstream } from './upstream/openai-http.js';
import { undiciTransport } from './upstream/undici-transport.js';

// The ladder: a controllable upstream on loopback first (higher prior quality), then the
// embedded model. Every fault must end in a failover or a clean error, never a hung stream.
let fake: FakeOpenAiServer;
let proxy: RunningProxy;
let client: OpenAI;
const fakeCandidate = (baseUrl: string): Candidate => ({
  upstream: createOpenAiHttpUpstream({
    id: 'remote',
    baseUrl,
    upstreamModel: 'remote',
    idleTimeoutMs: 300,
    transport: undiciTransport,
  }),
  priorQuality: 0.9,
  usdPer1kTokens: 0.01,
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

beforeAll(async () => {
  fake = await startFakeOpenAiServer({ slowFirstTokenMs: 250 });
  // Breakers off here (each case is one fault, in sequence); failover-speed.test.ts tests them.
  proxy = await listen(
    createProxyApp({
      config: { backoff_ms: 10, keepalive_ms: 100, circuit_failures: 1000 },
      candidates: [fakeCandidate(fake.url), embedded()],
    }).fetch,
    0,
  );
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await proxy.close();
  await fake.close();
});
afterEach(() => {
  fake.behaviour = 'ok';
});

const ask = () =>
  client.chat.completions
    .create({ model: 'auto', messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 8 })
    .withResponse();
async function askStream(): Promise<{ text: string; model: string; error?: unknown }> {
  let text = '';
  let model = '';
  try {
    const stream = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 8,
      stream: true,
    });
    for await (const chunk of stream) {
      model = chunk.model;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    return { text, model };
  } catch (error) {
    return { text, model, error };
  }
}

describe('fault matrix: the preferred upstream fails before its first token → the next rung serves', () => {
  for (const behaviour of ['status500', 'hang', 'status429', 'huge_event'] as const) {
    it(`${behaviour}: non-stream and stream fail over to the embedded model`, async () => {
      fake.behaviour = behaviour;
      const { data, response } = await ask();
      expect(data.model).toBe('stories260K');
      expect(response.headers.get('x-router-served-by')).toBe('stories260K');
      expect(data.choices[0]!.message.content).toBe(', there was a little girl');
      const streamed = await askStream();
      expect(streamed).toEqual({ text: ', there was a little girl', model: 'stories260K' });
    });
  }

  it('refused (nothing listening): fails over', async () => {
    const refused = await listen(
      createProxyApp({ config: { backoff_ms: 1 }, candidates: [fakeCandidate('http://127.0.0.1:9/v1'), embedded()] })
        .fetch,
      0,
    );
    const c = new OpenAI({ baseURL: `${refused.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const data = await c.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 4,
    });
    expect(data.model).toBe('stories260K');
    await refused.close();
  });

  it('a healthy preferred upstream serves, and a slow first token gets keep-alive comments', async () => {
    fake.behaviour = 'slow_first_token';
    const response = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const raw = await response.text();
    expect(raw.startsWith(': keep-alive\n\n')).toBe(true);
    expect(raw).toContain('"model":"remote"');
    expect(raw).toContain('Paris');
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});

describe('fault matrix: a non-stream answer the client has not received yet still fails over', () => {
  it('cut mid-answer (non-stream) → the next rung answers it whole', async () => {
    fake.behaviour = 'cut';
    const { data } = await ask();
    expect(data.model).toBe('stories260K');
    expect(data.choices[0]!.message.content).toBe(', there was a little girl');
  });
});

describe('fault matrix: failures the client must see', () => {
  it('cut mid-stream after the first tokens → an OpenAI error event, then [DONE]; no retry', async () => {
    fake.behaviour = 'cut';
    const response = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    expect(response.status).toBe(200);
    const events = (await response.text())
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => e.slice(6));
    expect(events.at(-1)).toBe('[DONE]');
    const error = JSON.parse(events.at(-2)!) as { error: { code: string } };
    expect(error.error.code).toBe('upstream_failed');
    expect(events.some((e) => e.includes('Paris'))).toBe(true);
    expect(events.some((e) => e.includes('stories260K'))).toBe(false);
  });

  it('a pinned model that answers 429 → 429 with Retry-After passed through', async () => {
    fake.behaviour = 'status429';
    const error = (await client.chat.completions
      .create({ model: 'remote', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(429);
    expect(error.headers?.get('retry-after')).toBe('7');
  });

  it('a pinned model that refuses the request (400) → 400 upstream_rejected with what it said, tried once, not 502', async () => {
    fake.behaviour = 'status400';
    const before = fake.requests;
    const error = (await client.chat.completions
      .create({ model: 'remote', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'upstream_rejected' });
    expect(error.message).toContain("Invalid value for 'logit_bias'.");
    expect(fake.requests - before).toBe(1); // a 4xx is not retried: it will not change
  });

  it('a pinned model that is down → 502 upstream_failed in the OpenAI shape, stream or not', async () => {
    fake.behaviour = 'status500';
    const error = (await client.chat.completions
      .create({ model: 'remote', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as APIError;
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_failed');
    const streamed = (await client.chat.completions
      .create({ model: 'remote', messages: [{ role: 'user', content: 'hi' }], stream: true })
      .catch((e: unknown) => e)) as APIError;
    expect(streamed.status).toBe(502);
  });
});

describe('failovers are logged with the request id', () => {
  it('each failed attempt before the serving rung is one warning naming the request and the upstream', async () => {
    const warnings: { requestId?: string; upstream?: string; failure?: string }[] = [];
    const log = {
      info: () => undefined,
      error: () => undefined,
      warn: (entry: object) => {
        warnings.push(entry as never);
      },
    } as never;
    const logged = await listen(
      createProxyApp({
        config: { backoff_ms: 10, circuit_failures: 1000 },
        candidates: [fakeCandidate(fake.url), embedded()],
        log,
      }).fetch,
      0,
    );
    try {
      fake.behaviour = 'status500';
      const { response } = await new OpenAI({
        baseURL: `${logged.url}/v1`,
        apiKey: 'x',
        maxRetries: 0,
      }).chat.completions
        .create({ model: 'auto', messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 4 })
        .withResponse();
      const requestId = response.headers.get('x-request-id')!;
      const attempts = warnings.filter((w) => w.requestId === requestId && w.upstream === 'remote');
      expect(attempts.length).toBeGreaterThanOrEqual(1);
      expect(attempts[0]!.failure).toBe('http');
      expect(response.headers.get('x-router-served-by')).toBe('stories260K');
    } finally {
      await logged.close();
    }
  });
});
