import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { APIError } from 'openai';
import { createNodeEngine } from '../node/local-model.js';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { createEmbeddedOnnxUpstream } from './upstream/embedded-onnx.js';
import { createOpenAiHttpUpstream } from './upstream/openai-http.js';
import { undiciTransport } from './upstream/undici-transport.js';

// The unmodified openai SDK against the embedded model, and a proxy with an OpenAI-compatible upstream.
let embeddedOnly: RunningProxy;
let withRemote: RunningProxy;
let fake: FakeOpenAiServer;
const embedded = () => ({
  upstream: createEmbeddedOnnxUpstream(createNodeEngine),
  priorQuality: 0.1,
  usdPer1kTokens: 0,
  ttftMs: 5,
  tokensPerSecond: 1000,
});
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  embeddedOnly = await listen(createProxyApp({ candidates: [embedded()] }).fetch, 0);
  withRemote = await listen(
    createProxyApp({
      candidates: [
        embedded(),
        {
          upstream: createOpenAiHttpUpstream({
            id: 'remote',
            baseUrl: fake.url,
            upstreamModel: 'remote',
            idleTimeoutMs: 5000,
            transport: undiciTransport,
          }),
          priorQuality: 0.05,
          usdPer1kTokens: 0,
          ttftMs: 50,
          tokensPerSecond: 50,
        },
      ],
    }).fetch,
    0,
  );
});
afterAll(async () => {
  await embeddedOnly.close();
  await withRemote.close();
  await fake.close();
});
const client = (p: RunningProxy) => new OpenAI({ baseURL: `${p.url}/v1`, apiKey: 'x', maxRetries: 0 });
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as APIError,
  );

describe('OpenAI message shapes and parameters, read honestly', () => {
  it('takes content parts and the developer role (text is what the model reads)', async () => {
    const parts = await client(embeddedOnly).chat.completions.create({
      model: 'auto',
      max_tokens: 6,
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Once upon a time' }] },
      ],
    });
    const plain = await client(embeddedOnly).chat.completions.create({
      model: 'auto',
      max_tokens: 6,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Once upon a time' },
      ],
    });
    expect(parts.choices[0]!.message.content).toBe(plain.choices[0]!.message.content);
  });

  it('refuses what no edge model here can do with 400 unsupported_parameter naming it, never a 200 that ignored it', async () => {
    const c = client(embeddedOnly);
    const base = { model: 'auto', max_tokens: 4, messages: [{ role: 'user' as const, content: 'Hi' }] };
    const cases: [string, Promise<unknown>][] = [
      [
        'tools',
        c.chat.completions.create({ ...base, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }),
      ],
      ['n', c.chat.completions.create({ ...base, n: 2 })],
      ['logprobs', c.chat.completions.create({ ...base, logprobs: true })],
      ['response_format', c.chat.completions.create({ ...base, response_format: { type: 'json_object' } })],
      ['top_p', c.chat.completions.create({ ...base, top_p: 0.5 })],
      [
        'tools',
        c.chat.completions.create({
          ...base,
          messages: [
            { role: 'user', content: 'Hi' },
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
            { role: 'tool', content: '1', tool_call_id: 't' },
          ],
        }),
      ],
      ['tools', c.chat.completions.create({ ...base, tool_choice: 'required' })], // tool_choice needs an upstream that calls tools
      [
        'messages[0].content',
        c.chat.completions.create({
          ...base,
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }],
        }),
      ],
    ];
    // Each call's handler is attached now, while they all run: a later refusal that settles before
    // the loop reaches it would otherwise be an unhandled rejection.
    const refusals = cases.map(([param, call]) => [param, refusal(call)] as const);
    for (const [param, pending] of refusals) {
      const error = await pending;
      expect(error, param).toBeInstanceOf(APIError);
      expect({ status: error!.status, code: error!.code, param: error!.param }).toEqual({
        status: 400,
        code: 'unsupported_parameter',
        param,
      });
    }
    // Library defaults that change nothing are fine.
    expect(
      (await c.chat.completions.create({ ...base, top_p: 1, presence_penalty: 0, response_format: { type: 'text' } }))
        .choices[0]!.message.content,
    ).toBeTruthy();
  });

  it('sends pass-through parameters only to an upstream that honours them', async () => {
    const before = fake.requests;
    const answer = await client(withRemote).chat.completions.create({
      model: 'auto',
      max_tokens: 4,
      messages: [{ role: 'user', content: 'Hi' }],
      response_format: { type: 'json_object' },
      top_p: 0.5,
    });
    expect(answer.model).toBe('remote'); // the embedded model (first by utility) cannot honour them
    expect(fake.requests - before).toBe(1);
  });

  it('refuses by name every parameter no edge model here is declared to honour; harmless defaults pass', async () => {
    for (const [extra, param] of [
      [{ reasoning_effort: 'high' }, 'reasoning_effort'],
      [{ top_k: 5 }, 'top_k'],
      [{ store: true }, 'store'],
      [{ prediction: { type: 'content', content: 'x' } }, 'prediction'],
      [{ safety_identifier: 'u1' }, 'safety_identifier'],
    ] as const) {
      const error = await refusal(
        client(embeddedOnly).chat.completions.create({
          model: 'auto',
          max_tokens: 4,
          messages: [{ role: 'user', content: 'Hi' }],
          ...extra,
        } as never),
      );
      expect({ status: error?.status, code: error?.code, param: error?.param }).toEqual({
        status: 400,
        code: 'unsupported_parameter',
        param,
      });
    }
    const fine = await client(embeddedOnly).chat.completions.create({
      model: 'auto',
      max_tokens: 4,
      messages: [{ role: 'user', content: 'Hi' }],
      store: false,
      service_tier: 'auto',
      metadata: { run: '1' },
    });
    expect(fine.choices).toHaveLength(1);
  });

  it('injects no default: max_tokens, temperature and seed reach the upstream only when the client set them', async () => {
    await client(withRemote).chat.completions.create({ model: 'remote', messages: [{ role: 'user', content: 'Hi' }] });
    expect(fake.lastBody).not.toHaveProperty('max_tokens');
    expect(fake.lastBody).not.toHaveProperty('temperature');
    expect(fake.lastBody).not.toHaveProperty('seed');
    await client(withRemote).chat.completions.create({
      model: 'remote',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 7,
      temperature: 0.3,
      seed: 5,
    });
    expect(fake.lastBody).toMatchObject({ max_tokens: 7, temperature: 0.3, seed: 5 });
  });

  it('GET /v1/models/{id} describes a served model (replay ones marked), 404 otherwise', async () => {
    const c = client(withRemote);
    expect(await c.models.retrieve('remote')).toMatchObject({ id: 'remote', object: 'model', owned_by: 'openai' });
    const missing = await refusal(c.models.retrieve('gpt-9'));
    expect(missing?.status).toBe(404);
  });

  it('applies stop for every upstream: the answer ends before the stop sequence, finish_reason stop', async () => {
    const full = await client(embeddedOnly).chat.completions.create({
      model: 'auto',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Once upon a time' }],
    });
    const text = full.choices[0]!.message.content!;
    const stopAt = 'little';
    expect(text).toContain(stopAt);
    const stopped = await client(embeddedOnly).chat.completions.create({
      model: 'auto',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      stop: [stopAt],
    });
    expect(stopped.choices[0]!.message.content).toBe(text.slice(0, text.indexOf(stopAt)));
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
    let streamed = '';
    for await (const chunk of await client(embeddedOnly).chat.completions.create({
      model: 'auto',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      stop: stopAt,
      stream: true,
    }))
      streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe(text.slice(0, text.indexOf(stopAt)));
  });

  it('runs an agent loop through an upstream that calls tools: the call, the tool result, the answer (JSON and stream)', async () => {
    const c = client(withRemote);
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' }, days: { type: 'integer' } },
            required: ['city'],
          },
        },
      },
    ];
    const ask = [{ role: 'user' as const, content: 'Weather in Paris?' }];
    const first = await c.chat.completions.create({ model: 'auto', messages: ask, tools });
    expect(first.model).toBe('remote'); // only the upstream that can call tools is chosen
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(call).toMatchObject({ id: 'call_fake_1', type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toEqual({
      city: 'Paris',
      days: 42,
    });
    expect(first.choices[0]!.message.content).toBeNull();
    // The second turn carries the assistant's tool_calls (content null) and the tool's result.
    const second = await c.chat.completions.create({
      model: 'auto',
      tools,
      messages: [...ask, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '18 degrees' }],
    });
    expect(second.choices[0]!.message.content).toBe('The tool said: 18 degrees');
    expect(second.choices[0]!.finish_reason).toBe('stop');
    // Streamed, the SDK's own accumulator rebuilds the same call.
    const stream = c.chat.completions.stream({ model: 'auto', messages: ask, tools });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.tool_calls).toEqual(first.choices[0]!.message.tool_calls);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('passes JSON mode through to an upstream that honours it', async () => {
    const answer = await client(withRemote).chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Capital of France as JSON' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(answer.choices[0]!.message.content!)).toEqual({ answer: 'Paris' });
  });
});
