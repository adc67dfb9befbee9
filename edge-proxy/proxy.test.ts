import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { APIError } from 'openai';
import { loadGolden } from '../testing/golden.js';
import { startProxy } from './server.js';

const golden = loadGolden().cases.b_once_upon_a_time!;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let client: OpenAI;

beforeAll(async () => {
  proxy = await startProxy(0);
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
});
afterAll(() => proxy.close());

describe('edge proxy through the official openai SDK', () => {
  it('answers non-stream with the embedded model, naming the model that served', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: golden.prompt }], max_tokens: 60 })
      .withResponse();
    expect(data.model).toBe('stories260K');
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]!.message.content).toBe(golden.completion_text);
    expect(data.choices[0]!.finish_reason).toBe('length');
    expect(data.usage).toEqual({ prompt_tokens: 5, completion_tokens: 60, total_tokens: 65 });
    expect(response.headers.get('x-router-served-by')).toBe('stories260K');
    expect(response.headers.get('x-router-decision')).toBe('edge');
  });

  it('streams the same text as chunks, then usage, then [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'stories260K',
      messages: [{ role: 'user', content: golden.prompt }],
      max_tokens: 60,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: (string | null)[] = [];
    let usage: unknown;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]) finishReasons.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(golden.completion_text);
    expect(chunks).toBeGreaterThan(60);
    expect(finishReasons.at(-1)).toBe('length');
    expect(usage).toEqual({ prompt_tokens: 5, completion_tokens: 60, total_tokens: 65 });
  });

  it('rejects a malformed request with an OpenAI-shaped 400 naming the parameter', async () => {
    const error = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], max_tokens: -3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).code).toBe('invalid_request');
    expect((error as APIError).param).toBe('max_tokens');
  });

  it('rejects a model it does not serve with 404 invalid_model', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect((error as APIError).status).toBe(404);
    expect((error as APIError).code).toBe('invalid_model');
  });

  it('answers non-JSON bodies and unknown routes with the OpenAI error shape', async () => {
    const bad = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_request');
    const missing = await fetch(`${proxy.url}/v2/else`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: 'not_found', type: 'invalid_request_error' });
  });

  it('lists the served model through the SDK', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([
      'gpt-4-1106-preview',
      'mistralai/Mixtral-8x7B-Instruct-v0.1',
      'stories260K',
    ]);
  });

  it('keeps serving after a client abandons a stream mid-way (the engine is released)', async () => {
    const abandoned = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Tim had a red ball.' }],
      max_tokens: 200,
      stream: true,
    });
    for await (const chunk of abandoned) {
      if (chunk.choices[0]?.delta.content) break;
    }
    const next = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: golden.prompt }],
      max_tokens: 60,
    });
    expect(next.choices[0]!.message.content).toBe(golden.completion_text);
  });

  it('reports health with its upstream', async () => {
    const health = await (await fetch(`${proxy.url}/health`)).json();
    expect(health.status).toBe('ok');
    expect(health.upstreams.map((u: { id: string }) => u.id)).toEqual([
      'gpt-4-1106-preview',
      'mistralai/Mixtral-8x7B-Instruct-v0.1',
      'stories260K',
    ]);
  });
});
