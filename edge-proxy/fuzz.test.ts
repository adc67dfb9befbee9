import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProxyApp } from './app.js';
import type { Upstream } from './upstream/upstream.js';

// Every generated request is malformed, oversized or hostile, so none may reach an upstream:
// this one fails the test (with a 5xx) if it is ever called.
const tripwire: Upstream = {
  id: 'tripwire',
  model: 'tripwire',
  kind: 'embedded',
  generate: async function* () {
    throw new Error('a malformed request reached an upstream');
  },
};
const app = createProxyApp({
  config: { max_body_bytes: 20_000, rate_limit_per_minute: 1_000_000 },
  candidates: [{ upstream: tripwire, priorQuality: 1, usdPer1kTokens: 0, ttftMs: 1, tokensPerSecond: 1 }],
});

const validMessage = fc.record({
  role: fc.constantFrom('system', 'user', 'assistant'),
  content: fc.string({ maxLength: 40 }),
});
const notA = (ok: (v: unknown) => boolean) => fc.anything().filter((v) => !ok(v));
const isPositiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 4096;

/** A valid request with exactly one field broken. */
const brokenRequest = fc.oneof(
  fc.record({ messages: notA((v) => Array.isArray(v) && v.length > 0) }),
  fc.record({
    messages: fc.array(
      fc.record({
        role: fc.string().filter((r) => !['system', 'developer', 'user', 'assistant', 'tool'].includes(r)),
        content: fc.string(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  fc.record({
    messages: fc.array(fc.record({ role: fc.constant('user'), content: notA((v) => typeof v === 'string') }), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({
    messages: fc.array(validMessage, { minLength: 1, maxLength: 3 }),
    max_tokens: notA((v) => v === null || v === undefined || isPositiveInt(v)),
  }),
  fc.record({
    messages: fc.array(validMessage, { minLength: 1, maxLength: 3 }),
    temperature: notA((v) => v === null || v === undefined || (typeof v === 'number' && v >= 0 && v <= 2)),
  }),
  fc.record({
    messages: fc.array(validMessage, { minLength: 1, maxLength: 3 }),
    stream: notA((v) => v === undefined || typeof v === 'boolean'),
  }),
  fc.record({
    messages: fc.array(validMessage, { minLength: 1, maxLength: 3 }),
    model: fc.string({ minLength: 1 }).filter((m) => m !== 'auto' && m !== 'tripwire'),
  }),
  fc.record({
    messages: fc.array(validMessage, { minLength: 1, maxLength: 3 }),
    router: fc.record({ cost_weight: fc.oneof(fc.double({ max: -1e-9 }), fc.string()) }),
  }),
  fc.record({
    messages: fc.array(validMessage, { minLength: 1, maxLength: 3 }),
    router: fc.record({ mode: fc.string().filter((m) => !['prefer_local', 'prefer_edge', 'only_edge'].includes(m)) }),
  }),
);

const body = fc.oneof(
  { weight: 5, arbitrary: brokenRequest.map((r) => JSON.stringify(r)) },
  {
    weight: 2,
    arbitrary: fc.string({ maxLength: 200 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .jsonValue()
      .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('messages' in v))
      .map((v) => JSON.stringify(v)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 20_001, max: 60_000 })
      .map((n) => JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(n) }] })),
  },
);
const hostileHeader = fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, ''));

describe('request surface fuzzing (fast-check, 10,000 cases)', () => {
  it('answers every malformed, oversized or hostile request with an OpenAI-shaped 4xx and never crashes', async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(
        body,
        hostileHeader,
        fc.constantFrom('application/json', 'text/plain', ''),
        async (text, header, contentType) => {
          cases++;
          const response = await app.fetch(
            new Request('http://proxy/v1/chat/completions', {
              method: 'POST',
              body: text,
              headers: { 'content-type': contentType, 'x-request-id': header, 'x-forwarded-for': header },
            }),
          );
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          const json = (await response.json()) as { error: { message: unknown; type: unknown; code: unknown } };
          expect(typeof json.error.message).toBe('string');
          expect(typeof json.error.type).toBe('string');
          expect(typeof json.error.code).toBe('string');
        },
      ),
      { numRuns: 10_000, seed: 20261123 },
    );
    expect(cases).toBe(10_000);
  }, 300_000);
});
