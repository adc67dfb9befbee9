import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { TINYLLAMA_AT_EDGE } from './config.js';
import { startProxy, type RunningProxy } from './server.js';
import { fetchedGguf } from './upstreams-from-config.js';

// The real "larger model on the server" once `riskgate models fetch` has run: TinyLlama generating
// natively behind the unmodified openai SDK, inside the proxy's admission limits, the event loop free.
const gguf = fetchedGguf();

describe.skipIf(!gguf)('the GGUF upstream (TinyLlama on native llama.cpp)', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy(0, {
      config: {
        models: [
          {
            kind: 'gguf',
            id: TINYLLAMA_AT_EDGE.id,
            model_path: gguf!,
            prior_quality: 0.2,
            usd_per_1k_tokens: 0,
            prior_ttft_ms: 300,
            prior_tokens_per_s: 10,
            context_length: 1024,
            threads: 2,
          },
        ],
        selector: null,
      },
    });
  });
  afterAll(async () => {
    await proxy?.close();
  });
  const client = () => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0 });

  it('streams a real answer through the openai SDK, with usage counted by its own tokenizer', async () => {
    const stream = await client().chat.completions.create({
      model: 'auto',
      max_tokens: 24,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.delta.content) chunks++;
      usage = chunk.usage ?? usage;
      expect(chunk.model).toBe(TINYLLAMA_AT_EDGE.id);
    }
    expect(text).toContain('Paris');
    expect(chunks).toBeGreaterThan(3); // streamed token by token, not one block
    expect(usage?.prompt_tokens).toBeGreaterThan(15);
    // Tokens generated within one network read reach the client as one piece (decision 033), so
    // the usage count is at least the number of pieces, never fewer.
    expect(usage?.completion_tokens).toBeGreaterThanOrEqual(chunks);
    expect(usage?.completion_tokens).toBeLessThanOrEqual(24);
  });

  it('answers two requests at once one after the other (one KV cache), and /health answers while it generates', async () => {
    const ask = (content: string) =>
      client().chat.completions.create({ model: 'auto', max_tokens: 16, messages: [{ role: 'user', content }] });
    const both = Promise.all([ask('What is the capital of France?'), ask('What is the capital of Italy?')]);
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    const health = await fetch(`${proxy.url}/health`);
    const healthMs = performance.now() - started;
    expect(health.status).toBe(200);
    // llama.cpp runs on its own threads, so the server keeps answering; one generation step on a
    // loaded 2-core CI machine is the most /health should ever wait (a blocked loop waits seconds).
    expect(healthMs).toBeLessThan(2500);
    const [france, italy] = await both;
    expect(france.choices[0]!.message.content).toContain('Paris');
    expect(italy.choices[0]!.message.content).toContain('Rome');
  });
});
