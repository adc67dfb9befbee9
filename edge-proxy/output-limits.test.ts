import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { type APIError } from 'openai';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import { embeddedCandidate, remoteCandidate } from './testing/candidates.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { candidatesFromConfig } from './upstreams-from-config.js';

// Issue 24, point 4: answer-length limits come from each edge model's declared maximum, not one
// global cap: a request for more than a model writes skips it, and one for more than any writes is
// a 400 naming the parameter (not a 200 cut short, not a refusal below what a model can do).
let proxy: RunningProxy;
let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  const embedded = embeddedCandidate({ priorQuality: 0.9, maxOutputTokens: 16 }); // first by utility
  proxy = await listen(
    createProxyApp({ candidates: [embedded, remoteCandidate(fake, { maxOutputTokens: 8192 })] }).fetch,
    0,
  );
});
afterAll(async () => {
  await proxy.close();
  await fake.close();
});
const client = () => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0 });
const messages = [{ role: 'user' as const, content: 'Once upon a time' }];
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as APIError,
  );

describe("each edge model's own answer-length limit", () => {
  it("within the first model's limit it answers; past it, auto goes to one that writes that much", async () => {
    expect((await client().chat.completions.create({ model: 'auto', messages, max_tokens: 8 })).model).toBe(
      'stories260K',
    );
    // 5,000 was refused by the old global cap of 4,096 whatever the upstream allowed.
    const long = await client().chat.completions.create({ model: 'auto', messages, max_completion_tokens: 5000 });
    expect(long.model).toBe('remote');
  });

  it('more than the pinned model, or than any model, writes: 400 naming the parameter', async () => {
    const pinned = await refusal(client().chat.completions.create({ model: 'stories260K', messages, max_tokens: 64 }));
    expect({ status: pinned?.status, param: pinned?.param }).toEqual({ status: 400, param: 'max_tokens' });
    expect(pinned?.message).toMatch(/at most 16/);
    const any = await refusal(
      client().chat.completions.create({ model: 'auto', messages, max_completion_tokens: 10_000 }),
    );
    expect({ status: any?.status, param: any?.param }).toEqual({ status: 400, param: 'max_completion_tokens' });
    expect(any?.message).toMatch(/at most 8192/);
  });

  it('config: max_output_tokens is declared per model; a gguf model is limited by its context length', () => {
    const [openai] = candidatesFromConfig([
      {
        kind: 'openai',
        id: 'hosted',
        base_url: 'http://127.0.0.1:9/v1',
        max_output_tokens: 4096,
        prior_quality: 0.5,
        usd_per_1k_tokens: 0,
        prior_ttft_ms: 300,
        prior_tokens_per_s: 50,
      },
    ]);
    expect(openai!.maxOutputTokens).toBe(4096);
    const [gguf] = candidatesFromConfig([
      {
        kind: 'gguf',
        id: 'local-gguf',
        model_path: 'nowhere.gguf', // loaded on the first request only
        context_length: 2048,
        threads: 1,
        prior_quality: 0.5,
        usd_per_1k_tokens: 0,
        prior_ttft_ms: 300,
        prior_tokens_per_s: 50,
      },
    ]);
    expect(gguf!.maxOutputTokens).toBe(2048);
  });
});
