import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { type APIError } from 'openai';
import type { RunningProxy } from './server.js';
import type { FakeOpenAiServer } from './testing/fake-openai-server.js';
import { startEmbeddedAndRemote, type EmbeddedAndRemote } from './testing/embedded-and-remote.js';
import { toResponseEvents } from './responses-output.js';

// Issue 24, point 4: the unmodified openai SDK's `responses` API against the proxy: plain,
// streamed, tools and structured output, translated to the chat path (responses-api.ts).
let proxy: RunningProxy;
let fake: FakeOpenAiServer;
let client: OpenAI;
let stack: EmbeddedAndRemote;
beforeAll(async () => {
  stack = await startEmbeddedAndRemote();
  ({ proxy, fake } = stack);
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => stack.close());

describe('POST /v1/responses through the openai SDK', () => {
  it('answers a plain input: output_text, the message item, usage, and incomplete at max_output_tokens', async () => {
    const response = await client.responses.create({
      model: 'stories260K',
      input: 'Once upon a time',
      max_output_tokens: 8,
    });
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_/);
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response.output[0]).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: response.output_text }],
    });
    expect(response.usage).toMatchObject({ output_tokens: 8 });
    expect(response.usage!.input_tokens).toBeGreaterThan(0);
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('takes instructions and a message list, as chat history', async () => {
    const response = await client.responses.create({
      model: 'remote',
      instructions: 'Answer briefly.',
      input: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: [{ type: 'input_text', text: 'Capital of France?' }] },
      ],
    });
    expect(response.status).toBe('completed');
    expect(response.output_text).toContain('Paris');
    expect(fake.lastBody).toMatchObject({
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Capital of France?' },
      ],
    });
  });

  it('streams typed events whose deltas add up to the completed response', async () => {
    const stream = await client.responses.create({
      model: 'stories260K',
      input: 'Once upon a time',
      max_output_tokens: 12,
      stream: true,
    });
    const types: string[] = [];
    let deltas = '';
    let completed:
      | { output_text?: string; output: { content?: { text: string }[] }[]; usage: { output_tokens: number } | null }
      | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.completed' || event.type === 'response.incomplete')
        completed = event.response as never;
    }
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.filter((t) => t === 'response.output_text.delta').length).toBeGreaterThan(2);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
    expect(completed!.output[0]!.content![0]!.text).toBe(deltas);
    expect(completed!.usage!.output_tokens).toBe(12);
  });

  it('calls tools: a function_call item, then the function_call_output turn answers', async () => {
    const tools = [
      {
        type: 'function' as const,
        name: 'get_weather',
        strict: false,
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' }, days: { type: 'integer' } },
          required: ['city'],
        },
      },
    ];
    const first = await client.responses.create({ model: 'auto', input: 'Weather in Paris?', tools });
    const call = first.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', call_id: 'call_fake_1', name: 'get_weather' });
    expect(JSON.parse((call as { arguments: string }).arguments)).toEqual({ city: 'Paris', days: 42 });
    const second = await client.responses.create({
      model: 'auto',
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        call as never,
        { type: 'function_call_output', call_id: 'call_fake_1', output: '18 degrees' },
      ],
    });
    expect(second.output_text).toBe('The tool said: 18 degrees');
    // Streamed, the call arrives as its own item with argument deltas.
    const types: string[] = [];
    for await (const event of await client.responses.create({
      model: 'auto',
      input: 'Weather in Paris?',
      tools,
      stream: true,
    }))
      types.push(event.type);
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types.at(-1)).toBe('response.completed');
  });

  it('passes structured output (text.format json_schema) to an upstream that honours it', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    };
    const response = await client.responses.create({
      model: 'auto',
      input: 'Capital of France?',
      text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } },
    });
    expect(Object.keys(JSON.parse(response.output_text))).toEqual(['city']);
    expect(fake.lastBody).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
  });

  it('refuses what a stateless proxy cannot keep, by name, and keeps the OpenAI error shape', async () => {
    for (const [extra, param] of [
      [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
      [{ store: true }, 'store'],
      [{ reasoning: { effort: 'high' } }, 'reasoning'],
    ] as const) {
      const error = await client.responses.create({ model: 'auto', input: 'Hi', ...extra } as never).then(
        () => undefined,
        (e: unknown) => e as APIError,
      );
      expect({ status: error?.status, code: error?.code, param: error?.param }).toEqual({
        status: 400,
        code: 'unsupported_parameter',
        param,
      });
    }
    const missing = await client.responses.retrieve('resp_1').then(
      () => undefined,
      (e: unknown) => e as APIError,
    );
    expect(missing?.status).toBe(404);
  });
});

describe('toResponseEvents', () => {
  it('keeps a character whose bytes the chat stream split across two chunks', async () => {
    const sse = `data: ${JSON.stringify({ id: 'chatcmpl-1', created: 0, model: 'm', choices: [{ delta: { content: 'café' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
    const bytes = new TextEncoder().encode(sse);
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of é
    const chat = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, cut));
        c.enqueue(bytes.slice(cut));
        c.close();
      },
    });
    const text = await new Response(toResponseEvents(chat, { input: 'x' })).text();
    expect(text).toContain('"delta":"café"');
    expect(text).toContain('event: response.completed');
  });
});
