import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGolden } from '../testing/golden.js';
import { startProxy } from '../edge-proxy/server.js';
import { streamFromEdge, type EdgeRequest } from './edge-client.js';

const golden = loadGolden().cases.b_once_upon_a_time!;
let proxy: Awaited<ReturnType<typeof startProxy>>;
beforeAll(async () => {
  proxy = await startProxy(0);
});
afterAll(() => proxy.close());

const request = (overrides: Partial<EdgeRequest> = {}): EdgeRequest => ({
  endpoint: proxy.url,
  messages: [{ role: 'user', content: golden.prompt }],
  maxTokens: 60,
  router: { cost_weight: 0.5, risk_level: 0.1, score: 0.1, threshold: 0.2 },
  ...overrides,
});

async function drain(stream: AsyncGenerator<string, unknown>): Promise<{ text: string; result: unknown }> {
  let text = '';
  for (;;) {
    const step = await stream.next();
    if (step.done) return { text, result: step.value };
    text += step.value;
  }
}

describe('worker edge client against the real proxy', () => {
  it('streams the deferred answer and returns the served model and usage', async () => {
    const { text, result } = await drain(streamFromEdge(request()));
    expect(text).toBe(golden.completion_text);
    expect(result).toEqual({ model: 'stories260K', finishReason: 'length', promptTokens: 5, completionTokens: 60 });
  });

  it('maps a refused connection to edge_unreachable', async () => {
    await expect(drain(streamFromEdge(request({ endpoint: 'http://127.0.0.1:9' })))).rejects.toMatchObject({
      code: 'edge_unreachable',
    });
  });

  it('maps an HTTP error answer to edge_error with the proxy message', async () => {
    // More than the proxy's schema allows any request to ask for: a 400 from the proxy.
    const tooLong = request({ maxTokens: 2_000_000 });
    await expect(drain(streamFromEdge(tooLong))).rejects.toMatchObject({ code: 'edge_error' });
  });
});
