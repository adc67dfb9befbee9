import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startProxy } from './server.js';
import { startTracing, tracesEndpoint } from './tracing-export.js';

// Traces leave the proxy only when an OTLP endpoint is named; then a real OTLP/HTTP exporter sends them.
describe('trace export', () => {
  it('is off unless an endpoint is named (config, or OpenTelemetry’s own env vars)', () => {
    expect(tracesEndpoint({}, {})).toBeUndefined();
    expect(startTracing({ otel_service_name: 'x' }, {})).toBeUndefined();
    expect(tracesEndpoint({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toBe('http://c:4318/v1/traces');
    expect(tracesEndpoint({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/t' })).toBe('http://c:4318/t');
    expect(
      tracesEndpoint({ otel_traces_endpoint: 'http://mine/v1/traces' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' }),
    ).toBe('http://mine/v1/traces');
  });

  it('sends the chat spans to the collector over OTLP/HTTP, flushed when the proxy stops', async () => {
    const received: { path: string; type: string; body: string }[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString('latin1');
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as { port: number };
    const proxy = await startProxy(0, {
      config: { otel_traces_endpoint: `http://127.0.0.1:${port}/v1/traces`, otel_service_name: 'shop-gateway' },
    });
    try {
      const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'x', maxRetries: 0 });
      await client.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: 'Once upon a time' }],
        max_tokens: 4,
      });
    } finally {
      await proxy.close();
    }
    const sent = received.map((r) => r.body).join('\n');
    expect(received[0]?.path).toBe('/v1/traces');
    expect(sent).toContain('gen_ai.operation.name');
    expect(sent).toContain('shop-gateway');
    expect(sent).toContain('chat auto');
    await new Promise((r) => collector.close(r));
  });
});
