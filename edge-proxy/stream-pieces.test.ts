import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import { createOpenAiHttpUpstream } from './upstream/openai-http.js';
import { undiciTransport } from './upstream/undici-transport.js';

// Decision 033: the content of every event in one network read from the upstream goes on as one
// piece (one step, one write to the client), while tokens that arrive apart still stream apart.
const WORDS = ['The', ' capital', ' of', ' France', ' is', ' Paris', '.'];
const event = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const usage = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 } })}\n\n`;

/** An upstream that sends the whole answer in one write, or each token 150 ms after the last. */
let spacedMs = 0;
let upstream: Server;
let proxy: RunningProxy;
beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const events = [event({ role: 'assistant', content: '' }), ...WORDS.map((w) => event({ content: w }))];
      const tail = `${event({}, 'stop')}${usage}data: [DONE]\n\n`;
      if (spacedMs === 0) {
        res.end(events.join('') + tail);
        return;
      }
      for (const e of events) {
        res.write(e);
        await new Promise((r) => setTimeout(r, spacedMs));
      }
      res.end(tail);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const { port } = upstream.address() as AddressInfo;
  const app = createProxyApp({
    config: { rate_limit_per_minute: 1000 },
    candidates: [
      {
        upstream: createOpenAiHttpUpstream({
          id: 'm',
          baseUrl: `http://127.0.0.1:${port}/v1`,
          upstreamModel: 'm',
          idleTimeoutMs: 5000,
          transport: undiciTransport,
        }),
        priorQuality: 1,
        usdPer1kTokens: 0,
        ttftMs: 1,
        tokensPerSecond: 1000,
      },
    ],
  });
  proxy = await listen(app.fetch, 0);
});
afterAll(async () => {
  await proxy.close();
  upstream.close();
});

const contentEvents = async (maxTokens?: number) => {
  const response = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'auto',
      stream: true,
      messages: [{ role: 'user', content: 'Capital of France?' }],
      ...(maxTokens ? { max_tokens: maxTokens } : {}),
      stream_options: { include_usage: true },
    }),
  });
  const text = await response.text();
  const chunks = text
    .split('\n\n')
    .filter((e) => e.startsWith('data: {'))
    .map((e) => JSON.parse(e.slice(6)) as { choices: { delta: { content?: string }; finish_reason: string | null }[] });
  return {
    contents: chunks.flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : [])),
    finish: chunks.flatMap((c) => (c.choices[0]?.finish_reason ? [c.choices[0].finish_reason] : [])),
    usage: chunks.at(-1),
  };
};

describe('edge proxy: pieces of a stream', () => {
  it('an answer that arrives in one read goes to the client as one delta, whole and in order', async () => {
    spacedMs = 0;
    const { contents, finish } = await contentEvents();
    expect(contents).toEqual([WORDS.join('')]);
    expect(finish).toEqual(['stop']);
  });

  it('tokens that arrive apart still stream apart, each delta whole words', async () => {
    spacedMs = 150;
    const { contents } = await contentEvents();
    expect(contents.join('')).toBe(WORDS.join(''));
    // A loaded machine may deliver two spaced writes in one read (decision 033 coalesces them), so
    // the test asks for streaming, not for exactly one delta per token: most deltas stay apart and
    // none splits a token.
    expect(contents.length).toBeGreaterThanOrEqual(WORDS.length - 2);
    const wordEnds = new Set(WORDS.map((_, i) => WORDS.slice(0, i + 1).join('').length));
    let end = 0;
    for (const delta of contents) expect(wordEnds.has((end += delta.length))).toBe(true);
  });

  it('max_tokens still counts tokens, not reads: 3 of 7 in one read give 3 words and finish_reason length', async () => {
    spacedMs = 0;
    const { contents, finish } = await contentEvents(3);
    expect(contents.join('')).toBe(WORDS.slice(0, 3).join(''));
    expect(finish).toEqual(['length']);
  });
});
