import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { type APIError } from 'openai';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import { embeddedCandidate, remoteCandidate } from './testing/candidates.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';

// Issue 24, point 4: image parts go to an upstream that declares vision, exactly as sent; with none
// that reads images, a 400 names the message (never a 200 that answered the text alone).
let proxy: RunningProxy;
let textOnly: RunningProxy;
let fake: FakeOpenAiServer;
// The embedded model is first by utility: an image must still not go to it.
const embedded = () => embeddedCandidate({ priorQuality: 0.9 });
const remote = (vision: boolean) => remoteCandidate(fake, { id: 'seeing', vision });
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  proxy = await listen(createProxyApp({ candidates: [embedded(), remote(true)] }).fetch, 0);
  textOnly = await listen(createProxyApp({ candidates: [embedded(), remote(false)] }).fetch, 0);
});
afterAll(async () => {
  await proxy.close();
  await textOnly.close();
  await fake.close();
});
const client = (p: RunningProxy) => new OpenAI({ baseURL: `${p.url}/v1`, apiKey: 'x', maxRetries: 0 });
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const withImage = [
  { role: 'system' as const, content: 'Describe images briefly.' },
  {
    role: 'user' as const,
    content: [
      { type: 'text' as const, text: 'What is in this picture?' },
      { type: 'image_url' as const, image_url: { url: PIXEL, detail: 'low' as const } },
    ],
  },
];

describe('image parts', () => {
  it('go to the upstream that declares vision, as sent, though another model ranks first', async () => {
    const answer = await client(proxy).chat.completions.create({ model: 'auto', messages: withImage, max_tokens: 8 });
    expect(answer.model).toBe('seeing');
    expect((fake.lastBody as { messages: unknown[] }).messages).toEqual(withImage);
  });

  it('with no upstream that reads images: 400 unsupported_parameter naming the message', async () => {
    const error = await client(textOnly)
      .chat.completions.create({ model: 'auto', messages: withImage, max_tokens: 8 })
      .then(
        () => undefined,
        (e: unknown) => e as APIError,
      );
    expect({ status: error?.status, code: error?.code, param: error?.param }).toEqual({
      status: 400,
      code: 'unsupported_parameter',
      param: 'messages[1].content',
    });
    // Text parts alone are fine everywhere.
    const text = await client(textOnly).chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Once upon a time' }] }],
      max_tokens: 4,
    });
    expect(text.model).toBe('stories260K');
  });
});
