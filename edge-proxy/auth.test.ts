import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { APIError } from 'openai';
import { startProxy, tokensFromEnv } from './server.js';

let proxy: Awaited<ReturnType<typeof startProxy>>;
beforeAll(async () => {
  proxy = await startProxy(0, { config: { tokens: tokensFromEnv(' alpha-token-1, beta-token-22 ,') } });
});
afterAll(() => proxy.close());

const ask = (apiKey: string) =>
  new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({
    model: 'auto',
    messages: [{ role: 'user', content: 'Once upon a time' }],
    max_tokens: 4,
  });

describe('edge proxy with RISKGATE_TOKENS configured', () => {
  it('serves a request carrying a configured bearer token', async () => {
    expect((await ask('beta-token-22')).choices[0]!.message.content).toBe(', there was a');
  });

  it('answers 401 authentication_error without a known token', async () => {
    const error = (await ask('gamma-token-333').catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('unauthorized');
    expect((error.error as { type: string }).type).toBe('authentication_error');
  });

  it('keeps /health open for probes', async () => {
    expect((await fetch(`${proxy.url}/health`)).status).toBe(200);
  });

  it('refuses an oversized body with 413 in the OpenAI error shape', async () => {
    const response = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer alpha-token-1', 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('invalid_request');
  });

  it('refuses an oversized chunked body (no Content-Length) with 413 too', async () => {
    const big = new TextEncoder().encode(
      JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] }),
    );
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < big.length; i += 65_536) c.enqueue(big.subarray(i, i + 65_536));
        c.close();
      },
    });
    const response = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer alpha-token-1', 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('invalid_request');
  });
});
