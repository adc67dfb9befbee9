import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from './server.js';
import { startEmbeddedAndRemote, type EmbeddedAndRemote } from './testing/embedded-and-remote.js';
import { ChatOpenAI } from '@langchain/openai';
import { type AIMessage, type AIMessageChunk, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

// LangChain's ChatOpenAI, unmodified, against the proxy: plain text from the embedded model,
// tools and structured output from an OpenAI-compatible upstream that implements them.
let proxy: RunningProxy;
let stack: EmbeddedAndRemote;
beforeAll(async () => {
  stack = await startEmbeddedAndRemote();
  ({ proxy } = stack);
});
afterAll(() => stack.close());

const chat = () =>
  new ChatOpenAI({
    model: 'auto',
    apiKey: 'x',
    maxRetries: 0,
    temperature: 0,
    maxTokens: 8,
    configuration: { baseURL: `${proxy.url}/v1` },
  });
const getWeather = tool(async ({ city }) => `18 degrees in ${city}`, {
  name: 'get_weather',
  description: 'Current weather in a city',
  schema: z.object({ city: z.string() }),
});

describe('LangChain ChatOpenAI through the proxy', () => {
  it('invoke, stream and batch give the same deterministic answer', async () => {
    const prompt = 'Once upon a time';
    const invoked = await chat().invoke(prompt);
    expect(typeof invoked.content).toBe('string');
    expect((invoked.content as string).length).toBeGreaterThan(0);
    let streamed = '';
    for await (const chunk of await chat().stream(prompt)) streamed += chunk.content as string;
    expect(streamed).toBe(invoked.content);
    const batch = await chat().batch([prompt, prompt]);
    expect(batch.map((m) => m.content)).toEqual([invoked.content, invoked.content]);
  });

  it('bindTools: the model calls the tool, the tool result goes back, the model answers with it', async () => {
    const model = chat().bindTools([getWeather]);
    const messages = [new HumanMessage('Weather in Paris?')];
    const first = await model.invoke(messages);
    expect(first.tool_calls).toEqual([
      { id: 'call_fake_1', name: 'get_weather', args: { city: 'Paris' }, type: 'tool_call' },
    ]);
    const result = await getWeather.invoke(first.tool_calls![0]!);
    expect(result).toBeInstanceOf(ToolMessage);
    const second = await model.invoke([...messages, first as AIMessage, result as ToolMessage]);
    expect(second.content).toBe('The tool said: 18 degrees in Paris');
    // Streamed: LangChain joins the tool-call chunks into the same call.
    let joined: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(messages)) joined = joined ? joined.concat(chunk) : chunk;
    expect(joined?.tool_calls?.map((c) => [c.name, c.args])).toEqual([['get_weather', { city: 'Paris' }]]);
  });

  it('withStructuredOutput returns an object that fits the schema', async () => {
    const schema = z.object({ city: z.string(), population: z.number() });
    // By a forced tool call, and by OpenAI's json_schema response format.
    for (const method of ['functionCalling', 'jsonSchema'] as const) {
      const answer = await chat().withStructuredOutput(schema, { method }).invoke('The capital of France?');
      expect(answer, method).toEqual({ city: 'Paris', population: 42 });
    }
  });

  it('useResponsesApi: invoke, stream, tools and structured output over /v1/responses', async () => {
    const paths: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return globalThis.fetch(input, init);
    };
    const responses = () =>
      new ChatOpenAI({
        model: 'auto',
        apiKey: 'x',
        maxRetries: 0,
        useResponsesApi: true,
        configuration: { baseURL: `${proxy.url}/v1`, fetch },
      });
    const invoked = await new ChatOpenAI({
      model: 'stories260K',
      apiKey: 'x',
      maxRetries: 0,
      maxTokens: 8,
      useResponsesApi: true,
      configuration: { baseURL: `${proxy.url}/v1` },
    }).invoke('Once upon a time');
    const text =
      typeof invoked.content === 'string'
        ? invoked.content
        : invoked.content.map((p) => ('text' in p ? p.text : '')).join('');
    expect(text.length).toBeGreaterThan(0);
    let streamed = '';
    for await (const chunk of await new ChatOpenAI({
      model: 'stories260K',
      apiKey: 'x',
      maxRetries: 0,
      maxTokens: 8,
      useResponsesApi: true,
      configuration: { baseURL: `${proxy.url}/v1` },
    }).stream('Once upon a time')) {
      streamed +=
        typeof chunk.content === 'string'
          ? chunk.content
          : chunk.content.map((p) => ('text' in p ? p.text : '')).join('');
    }
    expect(streamed).toBe(text);
    const first = await responses()
      .bindTools([getWeather])
      .invoke([new HumanMessage('Weather in Paris?')]);
    expect(first.tool_calls?.map((c) => [c.name, c.args])).toEqual([['get_weather', { city: 'Paris' }]]);
    const answer = await responses()
      .withStructuredOutput(z.object({ city: z.string(), population: z.number() }), { method: 'jsonSchema' })
      .invoke('The capital of France?');
    expect(answer).toEqual({ city: 'Paris', population: 42 });
    expect(paths.length).toBeGreaterThan(0);
    expect(new Set(paths)).toEqual(new Set(['/v1/responses']));
  });

  it('gets an OpenAI-shaped 400 naming the parameter when no edge model can honour it', async () => {
    const withLogprobs = new ChatOpenAI({
      model: 'auto',
      apiKey: 'x',
      maxRetries: 0,
      logprobs: true,
      configuration: { baseURL: `${proxy.url}/v1` },
    });
    const error = await withLogprobs.invoke('Hi').then(
      () => undefined,
      (e: unknown) => e as { status?: number; code?: string; param?: string },
    );
    expect({ status: error?.status, code: error?.code, param: error?.param }).toEqual({
      status: 400,
      code: 'unsupported_parameter',
      param: 'logprobs',
    });
  });
});
