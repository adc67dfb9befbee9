import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { type APIError } from 'openai';
import { createProxyApp } from './app.js';
import type { RunningProxy } from './server.js';
import { embeddedCandidate } from './testing/candidates.js';
import { startEmbeddedAndRemote, type EmbeddedAndRemote } from './testing/embedded-and-remote.js';

// Issue 24, point 5: virtual keys, hashed at rest, each with its own rate, budget, answer length
// and model allow-list; model aliases.
const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const KEYS = { a: 'sk-team-a-0123456789', b: 'sk-team-b-0123456789', c: 'sk-team-c-0123456789' };
let proxy: RunningProxy;
let stack: EmbeddedAndRemote;
beforeAll(async () => {
  stack = await startEmbeddedAndRemote({
    remoteUsdPer1kTokens: 1,
    config: {
      model_aliases: { fast: 'remote' },
      keys: [
        { id: 'team-a', sha256: sha(KEYS.a), rate_limit_per_minute: 2, models: ['fast'] },
        { id: 'team-b', sha256: sha(KEYS.b), max_tokens: 16 },
        { id: 'team-c', sha256: sha(KEYS.c), budget_usd_per_day: 0.000_05, models: ['remote'] },
      ],
    },
  });
  ({ proxy } = stack);
});
afterAll(() => stack.close());
const client = (apiKey: string) => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey, maxRetries: 0 });
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as APIError,
  );
const hi = { messages: [{ role: 'user' as const, content: 'Once upon a time' }], max_tokens: 8 };

describe('virtual keys', () => {
  it('accepts a key whose sha256 is configured and refuses any other', async () => {
    expect(
      (await client(KEYS.b).chat.completions.create({ model: 'auto', ...hi })).choices[0]!.message.content,
    ).toBeTruthy();
    expect(
      (await refusal(client('sk-not-a-key-000000').chat.completions.create({ model: 'auto', ...hi })))?.status,
    ).toBe(401);
  });

  it('a key limited to some models: others are 403 model_not_allowed, auto chooses among its own, aliases resolve', async () => {
    const a = client(KEYS.a);
    const pinned = await refusal(a.chat.completions.create({ model: 'stories260K', ...hi }));
    expect({ status: pinned?.status, code: pinned?.code }).toEqual({ status: 403, code: 'model_not_allowed' });
    // The embedded model is first by utility; this key's auto may only use the remote one.
    expect((await a.chat.completions.create({ model: 'auto', ...hi })).model).toBe('remote');
  });

  it('GET /v1/models lists what the key may use: a key limited to some models sees only those', async () => {
    expect((await client(KEYS.a).models.list()).data.map((m) => m.id)).toEqual(['remote']);
    expect((await client(KEYS.b).models.list()).data.map((m) => m.id).sort()).toEqual(['remote', 'stories260K']);
    const hidden = await refusal(client(KEYS.a).models.retrieve('stories260K'));
    expect(hidden?.status).toBe(404);
    expect((await client(KEYS.a).models.retrieve('remote')).id).toBe('remote');
  });

  it("a key's own rate limit holds for it and not for the others", async () => {
    const a = client(KEYS.a);
    // Two a minute: within three requests one is refused, whatever the test above left of this minute.
    let refused: APIError | undefined;
    for (let i = 0; i < 3 && !refused; i++)
      refused = await refusal(a.chat.completions.create({ model: 'fast', ...hi }));
    expect({ status: refused?.status, code: refused?.code }).toEqual({ status: 429, code: 'rate_limited' });
    expect((await client(KEYS.b).chat.completions.create({ model: 'auto', ...hi })).choices).toHaveLength(1);
  });

  it("every answer carries x-ratelimit-* headers for its caller's limit", async () => {
    const { response } = await client(KEYS.b)
      .chat.completions.create({ model: 'auto', ...hi })
      .withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('600');
    expect(Number(response.headers.get('x-ratelimit-remaining-requests'))).toBeLessThan(600);
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
    // The same on a stream, a Responses API answer (built from the chat answer) and a refusal.
    const post = (path: string, body: object) =>
      fetch(`${proxy.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.b}` },
        body: JSON.stringify(body),
      });
    const others = [
      await post('/v1/chat/completions', { model: 'auto', ...hi, stream: true }),
      await post('/v1/responses', { model: 'auto', input: 'Once upon a time', max_output_tokens: 8 }),
      await post('/v1/chat/completions', { model: 'auto', messages: [] }),
    ];
    expect(others.map((r) => r.status)).toEqual([200, 200, 400]);
    for (const r of others) {
      expect(r.headers.get('x-ratelimit-limit-requests')).toBe('600');
      await r.body?.cancel();
    }
  });

  it("a key's answer-length limit: more, or none named, is a 400 naming max_tokens", async () => {
    const b = client(KEYS.b);
    for (const max_tokens of [32, undefined]) {
      const error = await refusal(
        b.chat.completions.create({ model: 'auto', messages: hi.messages, ...(max_tokens ? { max_tokens } : {}) }),
      );
      expect({ status: error?.status, param: error?.param }).toEqual({ status: 400, param: 'max_tokens' });
    }
  });

  it("a key's own daily budget: spent, its next request is 429 budget_exceeded while others still answer", async () => {
    const c = client(KEYS.c);
    let error: APIError | undefined;
    for (let i = 0; i < 5 && !error; i++) error = await refusal(c.chat.completions.create({ model: 'remote', ...hi }));
    expect({ status: error?.status, code: error?.code }).toEqual({ status: 429, code: 'budget_exceeded' });
    expect((await client(KEYS.b).chat.completions.create({ model: 'auto', ...hi })).choices).toHaveLength(1);
  });
});

describe('model aliases at start', () => {
  it('an alias to a model not served is a config error that names it, not a 400 on every request', () => {
    expect(() =>
      createProxyApp({ config: { model_aliases: { fast: 'remote' } }, candidates: [embeddedCandidate()] }),
    ).toThrow(/fast → remote/);
  });
});
