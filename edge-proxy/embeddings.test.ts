import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { type APIError } from 'openai';
import { createNodeEngine } from '../node/local-model.js';
import { createProxyApp } from './app.js';
import { createHttpEmbedder } from './embeddings.js';
import { createMemoryBudgetStore, utcDay } from './limits.js';
import { listen, type RunningProxy } from './server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { createEmbeddedOnnxUpstream } from './upstream/embedded-onnx.js';

// Issue 24, point 4: POST /v1/embeddings for an upstream that declares it, through the openai SDK.
let proxy: RunningProxy;
let bare: RunningProxy;
let fake: FakeOpenAiServer;
const budget = createMemoryBudgetStore();
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  const candidates = [
    {
      upstream: createEmbeddedOnnxUpstream(createNodeEngine),
      priorQuality: 0.1,
      usdPer1kTokens: 0,
      ttftMs: 5,
      tokensPerSecond: 1000,
    },
  ];
  const embedder = createHttpEmbedder({
    id: 'text-embedding-3-small',
    base_url: fake.url,
    upstream_model: 'fake-embed',
    usd_per_1k_tokens: 0.02,
  });
  proxy = await listen(createProxyApp({ candidates, embedders: [embedder], budget }).fetch, 0);
  bare = await listen(createProxyApp({ candidates }).fetch, 0);
});
afterAll(async () => {
  await proxy.close();
  await bare.close();
  await fake.close();
});
const client = (p: RunningProxy) => new OpenAI({ baseURL: `${p.url}/v1`, apiKey: 'x', maxRetries: 0 });

describe('POST /v1/embeddings', () => {
  it("answers one and many inputs with the upstream's vectors, under the served model's name, and charges the caller", async () => {
    const one = await client(proxy).embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello world',
      encoding_format: 'float',
    });
    expect(one.model).toBe('text-embedding-3-small');
    expect(one.data[0]!.embedding).toEqual([11, 3, 1, 104]);
    expect(fake.lastBody).toMatchObject({ model: 'fake-embed', input: 'hello world' });
    const many = await client(proxy).embeddings.create({
      model: 'text-embedding-3-small',
      input: ['a b c', 'd'],
      encoding_format: 'float',
    });
    expect(many.data.map((d) => d.index)).toEqual([0, 1]);
    expect(many.usage.prompt_tokens).toBe(4);
    expect(await budget.spent('addr:unknown', utcDay())).toBeCloseTo(((2 + 4) / 1000) * 0.02, 12);
  });

  it('refuses an unknown model, an unknown parameter and a proxy with no embedding model, in the OpenAI shape', async () => {
    const cases = [
      [() => client(proxy).embeddings.create({ model: 'gpt-9', input: 'x' }), 404, 'invalid_model'],
      [
        () =>
          client(proxy).embeddings.create({ model: 'text-embedding-3-small', input: 'x', truncate: 'END' } as never),
        400,
        'unsupported_parameter',
      ],
      [() => client(bare).embeddings.create({ model: 'text-embedding-3-small', input: 'x' }), 404, 'invalid_model'],
    ] as const;
    for (const [call, status, code] of cases) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e as APIError,
      );
      expect({ status: error?.status, code: error?.code }).toEqual({ status, code });
    }
  });
});
