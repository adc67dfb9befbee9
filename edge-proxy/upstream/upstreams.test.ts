import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createNodeEngine } from '../../node/local-model.js';
import { DEFAULT_RECORDINGS } from '../upstreams-from-config.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../testing/fake-openai-server.js';
import { createEmbeddedOnnxUpstream } from './embedded-onnx.js';
import { createOpenAiHttpUpstream } from './openai-http.js';
import { fetchTransport } from './http-transport.js';
import { undiciTransport } from './undici-transport.js';
import { createReplayUpstream, replayPieces } from './replay.js';
import { drainUpstream, runUpstreamContract } from './upstream.contract.js';
import { createEmbeddedThreadUpstream } from './embedded-threads.js';
import { UpstreamError } from './upstream-error.js';

let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
});
afterAll(() => fake.close());

const firstRecording = JSON.parse(readFileSync(DEFAULT_RECORDINGS, 'utf8').split('\n')[1]!) as {
  prompt: string;
  model: string;
  response: string;
};
const replay = () =>
  createReplayUpstream({
    id: 'gpt-4-1106-preview',
    recordingsPath: DEFAULT_RECORDINGS,
    recordedModel: firstRecording.model,
    ttftMs: 5,
    tokensPerSecond: 2000,
  });

runUpstreamContract('embedded ONNX (stories260K in onnxruntime-node)', async () => ({
  upstream: createEmbeddedOnnxUpstream(createNodeEngine),
  known: 'Once upon a time',
}));
runUpstreamContract('embedded ONNX in a worker-thread pool (off the event loop)', async () => ({
  upstream: createEmbeddedThreadUpstream({ threads: 2 }),
  known: 'Once upon a time',
}));
const TRANSPORTS = [
  ['fetch', fetchTransport],
  ['undici', undiciTransport],
] as const;
for (const [name, transport] of TRANSPORTS) {
  runUpstreamContract(`OpenAI-compatible HTTP over ${name} (a real server on loopback)`, async () => {
    fake.behaviour = 'ok';
    return {
      upstream: createOpenAiHttpUpstream({
        id: 'fake',
        baseUrl: fake.url,
        upstreamModel: 'fake',
        idleTimeoutMs: 2000,
        transport,
      }),
      known: 'What is the capital of France?',
    };
  });
}
runUpstreamContract('record/replay (RouteLLM GSM8K answers)', async () => ({
  upstream: replay(),
  known: firstRecording.prompt,
}));

describe('embedded worker-thread pool specifics', () => {
  it('closes while answering without taking the process down, and every thread exits', async () => {
    const upstream = createEmbeddedThreadUpstream({ threads: 2 });
    const answers = [0, 1].map(() =>
      upstream.generate(
        { messages: [{ role: 'user', content: 'Once upon a time' }], maxTokens: 400, temperature: 0, seed: 0 },
        new AbortController().signal,
      ),
    );
    await Promise.all(answers.map((a) => a.next())); // both threads are mid-inference
    const started = performance.now();
    await upstream.close();
    expect(performance.now() - started).toBeLessThan(5000); // the threads exited on their own, not by the 5 s terminate()
    expect(process.exitCode ?? 0).toBe(0);
  });
});

describe('record/replay specifics', () => {
  it('replays the recorded answer of the recorded model, piece by piece', async () => {
    const { pieces, result } = await drainUpstream(
      replay(),
      [{ role: 'user', content: firstRecording.prompt }],
      10_000,
    );
    expect(pieces.join('')).toBe(firstRecording.response);
    expect(result).toMatchObject({
      finishReason: 'stop',
      completionTokens: replayPieces(firstRecording.response).length,
    });
  });

  it('answers an unknown prompt with a clear miss (so the ladder moves on)', async () => {
    const error = await drainUpstream(replay(), [{ role: 'user', content: 'Once upon a time' }], 10).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).failure).toBe('miss');
    expect((error as UpstreamError).retryable).toBe(false);
  });

  it('follows its latency profile: time to first token and tokens per second', async () => {
    const slow = createReplayUpstream({
      id: 'm',
      recordingsPath: DEFAULT_RECORDINGS,
      recordedModel: firstRecording.model,
      ttftMs: 120,
      tokensPerSecond: 100,
    });
    const started = performance.now();
    const { pieces } = await drainUpstream(slow, [{ role: 'user', content: firstRecording.prompt }], 11);
    const elapsed = performance.now() - started;
    expect(pieces).toHaveLength(11);
    expect(elapsed).toBeGreaterThanOrEqual(120 + 10 * 10 - 5); // ttft + 10 gaps of 10 ms
  });
});

describe.each(TRANSPORTS)('OpenAI-compatible HTTP specifics over %s', (_, transport) => {
  const http = (idleTimeoutMs = 300) =>
    createOpenAiHttpUpstream({ id: 'fake', baseUrl: fake.url, upstreamModel: 'fake', idleTimeoutMs, transport });
  it('passes 429 and its Retry-After up', async () => {
    fake.behaviour = 'status429';
    const error = (await drainUpstream(http(), [{ role: 'user', content: 'hi' }], 5).catch(
      (e: unknown) => e,
    )) as UpstreamError;
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfter).toBe('7');
  });

  it('turns silence into a timeout and aborts the upstream request', async () => {
    fake.behaviour = 'hang';
    const before = fake.aborted;
    const error = (await drainUpstream(http(150), [{ role: 'user', content: 'hi' }], 5).catch(
      (e: unknown) => e,
    )) as UpstreamError;
    expect(error.failure).toBe('timeout');
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.aborted).toBe(before + 1);
  });

  it('reports a stream cut mid-answer as cut (retryable)', async () => {
    fake.behaviour = 'cut';
    const error = (await drainUpstream(http(), [{ role: 'user', content: 'hi' }], 10).catch(
      (e: unknown) => e,
    )) as UpstreamError;
    expect(error.failure).toBe('cut');
    expect(error.retryable).toBe(true);
  });

  it('reads a finished answer to its end, so sequential answers share one kept-alive connection', async () => {
    fake.behaviour = 'ok';
    const upstream = http();
    await drainUpstream(upstream, [{ role: 'user', content: 'warm-up' }], 10);
    const before = { connections: fake.connections, aborted: fake.aborted, requests: fake.requests };
    for (let i = 0; i < 3; i++)
      expect((await drainUpstream(upstream, [{ role: 'user', content: 'hi' }], 10)).pieces.join('')).toBe(
        'Paris is the capital of France .',
      );
    expect(fake.requests - before.requests).toBe(3);
    expect(fake.connections - before.connections).toBe(0);
    expect(fake.aborted).toBe(before.aborted);
  });

  it('aborts the upstream when our client goes away mid-stream', async () => {
    fake.behaviour = 'slow_first_token';
    const before = fake.aborted;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await drainUpstream(http(2000), [{ role: 'user', content: 'hi' }], 10, controller.signal).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.aborted).toBe(before + 1);
  });
});
