import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { APIError } from 'openai';
import { createNodeEngine } from '../node/local-model.js';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import { createEmbeddedOnnxUpstream } from './upstream/embedded-onnx.js';
import type { Upstream } from './upstream/upstream.js';

// The real embedded upstream, counted: a replayed answer must not reach it again.
let calls = 0;
let holdNext: Promise<void> | undefined;
let failNext = false;
const real = createEmbeddedOnnxUpstream(createNodeEngine);
const counted: Upstream = {
  ...real,
  async *generate(request, signal) {
    calls++;
    if (holdNext) await holdNext;
    if (failNext) {
      failNext = false;
      throw Object.assign(new Error('refused'), { kind: 'refused' });
    }
    return yield* real.generate(request, signal);
  },
};
let proxy: RunningProxy;
let client: OpenAI;
// The official SDK sends no idempotency header by itself (OpenAI's API has none); a caller sets it per request.
const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });
const ask = { model: 'auto', messages: [{ role: 'user' as const, content: 'Once upon a time' }], max_tokens: 12 };

beforeAll(async () => {
  proxy = await listen(
    createProxyApp({
      config: { backoff_ms: 1, attempts_per_upstream: 1 },
      candidates: [{ upstream: counted, priorQuality: 0.5, usdPer1kTokens: 0, ttftMs: 5, tokensPerSecond: 1000 }],
    }).fetch,
    0,
  );
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => proxy.close());

describe('Idempotency-Key on chat completions (sent through the openai SDK)', () => {
  it('a repeated key gets the first answer again, stream or not, with one upstream call', async () => {
    calls = 0;
    const first = await client.chat.completions.create(ask, withKey('outbox-0001')).withResponse();
    const again = await client.chat.completions.create(ask, withKey('outbox-0001')).withResponse();
    expect(calls).toBe(1);
    expect(again.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(again.data).toMatchObject({ id: first.data.id, model: 'stories260K', usage: first.data.usage });
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({ ...ask, stream: true }, withKey('outbox-0001')))
      streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe(first.data.choices[0]!.message.content);
    expect(calls).toBe(1);
  });

  it('a streamed first answer is kept too; another key or no key is a new request', async () => {
    calls = 0;
    let text = '';
    for await (const chunk of await client.chat.completions.create({ ...ask, stream: true }, withKey('outbox-0002')))
      text += chunk.choices[0]?.delta.content ?? '';
    const again = await client.chat.completions.create(ask, withKey('outbox-0002'));
    expect(again.choices[0]!.message.content).toBe(text);
    await client.chat.completions.create(ask, withKey('outbox-0003'));
    await client.chat.completions.create(ask);
    expect(calls).toBe(3);
  });

  it('a repeat while the first is running gets 409 with Retry-After; a failed answer is forgotten so the retry retries', async () => {
    let release!: () => void;
    holdNext = new Promise((r) => {
      release = r;
    });
    const running = client.chat.completions.create(ask, withKey('outbox-0004'));
    await new Promise((r) => setTimeout(r, 50));
    const conflict = await client.chat.completions.create(ask, withKey('outbox-0004')).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(APIError);
    expect((conflict as APIError).status).toBe(409);
    expect((conflict as APIError).headers?.get('retry-after')).toBe('1');
    holdNext = undefined;
    release();
    await running;

    calls = 0;
    failNext = true;
    const failed = await client.chat.completions.create(ask, withKey('outbox-0005')).catch((e: unknown) => e);
    expect((failed as APIError).status).toBeGreaterThanOrEqual(500);
    const retried = await client.chat.completions.create(ask, withKey('outbox-0005'));
    expect(retried.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(calls).toBe(2);
  });

  it('refuses a key that is not a safe token with 400 naming the header', async () => {
    const bad = await client.chat.completions.create(ask, withKey('no spaces <allowed>')).catch((e: unknown) => e);
    expect((bad as APIError).status).toBe(400);
    expect((bad as APIError).param).toBe('Idempotency-Key');
  });

  it("a key reused with another body is refused with 422, never answered with the first prompt's answer", async () => {
    calls = 0;
    await client.chat.completions.create(ask, withKey('outbox-0042'));
    const other = { ...ask, messages: [{ role: 'user' as const, content: 'A different prompt' }] };
    const reused = await client.chat.completions.create(other, withKey('outbox-0042')).catch((e: unknown) => e);
    expect((reused as APIError).status).toBe(422);
    expect((reused as APIError).code).toBe('idempotency_key_reused');
    // The same body asked again as a stream is still the same request: replayed, no new call.
    const again = await client.chat.completions.create({ ...ask, stream: true }, withKey('outbox-0042'));
    for await (const _chunk of again) {
      /* drain */
    }
    expect(calls).toBe(1);
  });
});
