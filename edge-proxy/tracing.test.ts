import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createProxyApp } from './app.js';
import { listen, type RunningProxy } from './server.js';
import { embeddedCandidate, remoteCandidate } from './testing/candidates.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { setTracing } from './tracing.js';

// Issue 24, point 5: OpenTelemetry traces in the GenAI semantic conventions. A failed-over request
// is one server span with a client span per attempt: the failing rungs with error.type, the one
// that answered with its usage and finish reason.
const exporter = new InMemorySpanExporter();
let fake: FakeOpenAiServer;
beforeAll(async () => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  setTracing(true);
  fake = await startFakeOpenAiServer();
  fake.behaviour = 'status500';
});
afterAll(async () => {
  await fake.close();
  setTracing(false);
  trace.disable();
});

/** A fresh proxy (its own breakers and selector): the failing remote first by utility, then the embedded model. */
function startProxy(): Promise<RunningProxy> {
  // The remote first by utility, and failing.
  const remote = remoteCandidate(fake, { priorQuality: 0.95, ttftMs: 5, tokensPerSecond: 1000 });
  return listen(createProxyApp({ candidates: [remote, embeddedCandidate()], config: { backoff_ms: 1 } }).fetch, 0);
}

describe('traces', () => {
  for (const stream of [false, true]) {
    it(`${stream ? 'a stream' : 'a JSON answer'}: one server span, a client span per attempt, GenAI attributes`, async () => {
      exporter.reset();
      const proxy = await startProxy();
      const client = () => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const request = {
        model: 'auto',
        messages: [{ role: 'user' as const, content: 'Once upon a time' }],
        max_tokens: 6,
      };
      let requestId: string | null;
      if (stream) {
        const { data, response } = await client()
          .chat.completions.create({ ...request, stream: true })
          .withResponse();
        for await (const _ of data);
        requestId = response.headers.get('x-request-id');
      } else {
        const { response } = await client().chat.completions.create(request).withResponse();
        requestId = response.headers.get('x-request-id');
      }
      await expect.poll(() => exporter.getFinishedSpans().some((s) => s.kind === SpanKind.SERVER)).toBe(true);
      const spans = exporter.getFinishedSpans();
      const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
      expect(server.name).toBe('chat auto');
      expect(server.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'auto',
        'gen_ai.request.max_tokens': 6,
        'gen_ai.response.model': 'stories260K',
        'riskgate.request_id': requestId,
      });
      const attempts = spans.filter((s) => s.kind === SpanKind.CLIENT);
      expect(attempts.every((s) => s.parentSpanContext?.spanId === server.spanContext().spanId)).toBe(true);
      expect(attempts.map((s) => s.name)).toEqual(['chat remote', 'chat remote', 'chat stories260K']);
      for (const failed of attempts.slice(0, 2)) {
        expect(failed.status.code).toBe(SpanStatusCode.ERROR);
        expect(failed.attributes['error.type']).toBe('http');
        expect(failed.attributes['gen_ai.provider.name']).toBe('openai');
      }
      const answered = attempts[2]!;
      expect(answered.status.code).not.toBe(SpanStatusCode.ERROR);
      expect(answered.attributes['gen_ai.response.finish_reasons']).toEqual(['length']);
      expect(answered.attributes['gen_ai.usage.output_tokens']).toBe(6);
      expect(Number(answered.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(0);
      await proxy.close();
    });
  }

  it('off (no exporter started): no span is made at all', async () => {
    exporter.reset();
    setTracing(false);
    const proxy = await startProxy();
    try {
      await new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: 'Once upon a time' }],
        max_tokens: 4,
      });
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      setTracing(true);
      await proxy.close();
    }
  });
});
