import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from './server.js';
import { startEmbeddedAndRemote, type EmbeddedAndRemote } from './testing/embedded-and-remote.js';
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, jsonSchema, streamText, tool } from 'ai';

// Issue 24, point 4: the Vercel AI SDK, unmodified. `createOpenAI()(model)` speaks the Responses API.
let proxy: RunningProxy;
const paths: string[] = [];
let stack: EmbeddedAndRemote;
beforeAll(async () => {
  stack = await startEmbeddedAndRemote();
  ({ proxy } = stack);
});
afterAll(() => stack.close());

const provider = () =>
  createOpenAI({
    baseURL: `${proxy.url}/v1`,
    apiKey: 'x',
    fetch: (input, init) => {
      paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return fetch(input, init);
    },
  });

describe('the Vercel AI SDK through the proxy', () => {
  it('generateText and streamText give the same deterministic answer, over /v1/responses', async () => {
    const model = provider()('stories260K');
    const generated = await generateText({ model, prompt: 'Once upon a time', maxOutputTokens: 8, maxRetries: 0 });
    expect(generated.text.length).toBeGreaterThan(0);
    expect(generated.usage.outputTokens).toBe(8);
    const streamed = streamText({ model, prompt: 'Once upon a time', maxOutputTokens: 8, maxRetries: 0 });
    let text = '';
    for await (const piece of streamed.textStream) text += piece;
    expect(text).toBe(generated.text);
    expect(new Set(paths)).toEqual(new Set(['/v1/responses']));
  });

  it('tools: the model calls the tool, the SDK runs it, the model answers with its result', async () => {
    const weather = tool({
      description: 'Current weather',
      inputSchema: jsonSchema<{ city: string }>({
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      }),
      execute: async ({ city }) => `18 degrees in ${city}`,
    });
    const result = await generateText({
      model: provider()('auto'),
      prompt: 'Weather in Paris?',
      tools: { get_weather: weather },
      stopWhen: ({ steps }) => steps.length >= 2,
      maxRetries: 0,
    });
    expect(result.steps[0]!.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['get_weather', { city: 'Paris' }]]);
    expect(result.text).toBe('The tool said: 18 degrees in Paris');
  });

  it('generateObject returns an object that fits the schema', async () => {
    const { object } = await generateObject({
      model: provider()('auto'),
      prompt: 'The capital of France?',
      maxRetries: 0,
      schema: jsonSchema<{ city: string; population: number }>({
        type: 'object',
        properties: { city: { type: 'string' }, population: { type: 'number' } },
        required: ['city', 'population'],
        additionalProperties: false,
      }),
    });
    expect(object).toEqual({ city: 'Paris', population: 42 });
  });
});
