/**
 * Issue 24, point 4: a streamed tool call's arguments reach the client as the upstream writes
 * them (decision 034), in OpenAI's delta shape, through the chat completions and Responses APIs;
 * the whole call a client joins from them, a JSON answer and an idempotent replay all agree.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import { remoteCandidate } from './testing/candidates.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';

/** The upstream writes the first half of the arguments, then the rest this much later. */
const GAP_MS = 400;
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

let fake: FakeOpenAiServer;
let proxy: RunningProxy;
let client: OpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAiServer({ toolArgumentsGapMs: GAP_MS });
  proxy = await listen(createProxyApp({ candidates: [remoteCandidate(fake)] }).fetch, 0);
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await proxy.close();
  await fake.close();
});

describe('a streamed tool call', () => {
  it('arrives in pieces as the upstream writes them: id and name first, then the arguments', async () => {
    const stream = await client.chat.completions.create({ model: 'auto', messages: ask, tools, stream: true });
    const pieces: { at: number; delta: NonNullable<OpenAI.ChatCompletionChunk.Choice.Delta['tool_calls']>[number] }[] =
      [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) pieces.push({ at: performance.now(), delta });
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    const ended = performance.now();
    expect(finish).toBe('tool_calls');
    expect(pieces[0]!.delta).toMatchObject({ index: 0, id: 'call_fake_1', type: 'function' });
    expect(pieces[0]!.delta.function?.name).toBe('get_weather');
    const withArguments = pieces.filter((p) => p.delta.function?.arguments);
    expect(withArguments.length).toBeGreaterThanOrEqual(2);
    // The first half was on the client while the upstream was still writing the second.
    expect(ended - withArguments[0]!.at).toBeGreaterThan(GAP_MS / 2);
    // No piece repeats the call: joined by index they are exactly the call once.
    expect(pieces.every((p) => p.delta.index === 0)).toBe(true);
    expect(pieces.filter((p) => p.delta.id !== undefined)).toHaveLength(1);
    const joined = pieces.map((p) => p.delta.function?.arguments ?? '').join('');
    expect(JSON.parse(joined)).toEqual({ city: 'Paris', days: 42 });
  });

  it("is the same call the SDK's accumulator, a JSON answer and an idempotent replay give", async () => {
    const whole = await client.chat.completions.create({ model: 'auto', messages: ask, tools });
    const accumulated = await client.chat.completions
      .stream({ model: 'auto', messages: ask, tools })
      .finalChatCompletion();
    expect(accumulated.choices[0]!.message.tool_calls).toEqual(whole.choices[0]!.message.tool_calls);
    const key = { headers: { 'Idempotency-Key': 'tool-stream-0001' } };
    const first = await client.chat.completions
      .stream({ model: 'auto', messages: ask, tools }, key)
      .finalChatCompletion();
    const requests = fake.requests;
    const replayed = await client.chat.completions.create({ model: 'auto', messages: ask, tools, stream: false }, key);
    expect(fake.requests).toBe(requests); // answered from the kept answer
    expect(replayed.choices[0]!.message.tool_calls).toEqual(first.choices[0]!.message.tool_calls);
    expect(replayed.choices[0]!.message.tool_calls).toEqual(whole.choices[0]!.message.tool_calls);
  });

  it('reaches a Responses API client as function_call_arguments.delta events while it is written', async () => {
    const stream = await client.responses.create({
      model: 'auto',
      input: 'Weather in Paris?',
      tools: [{ type: 'function', name: 'get_weather', parameters: tools[0]!.function.parameters, strict: false }],
      stream: true,
    });
    const deltas: number[] = [];
    let done: { arguments: string; at: number } | undefined;
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') deltas.push(performance.now());
      if (event.type === 'response.function_call_arguments.done')
        done = { arguments: event.arguments, at: performance.now() };
    }
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(done!.at - deltas[0]!).toBeGreaterThan(GAP_MS / 2);
    expect(JSON.parse(done!.arguments)).toEqual({ city: 'Paris', days: 42 });
  });
});
