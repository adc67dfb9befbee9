import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from './server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server.js';
import { createPairwiseJudge, readVote } from './judge/pairwise-judge.js';
import { createEmbeddedThreadUpstream } from './upstream/embedded-threads.js';
import type { Upstream } from './upstream/upstream.js';

// The edge model and the judge are OpenAI-compatible servers on loopback (real HTTP). As a judge,
// the fake prefers the answer that says "Paris", in whichever position it stands.
let edge: FakeOpenAiServer;
let judgeServer: FakeOpenAiServer;
let proxy: RunningProxy;
let withoutJudge: RunningProxy;

beforeAll(async () => {
  [edge, judgeServer] = await Promise.all([startFakeOpenAiServer(), startFakeOpenAiServer()]);
  const models = [
    {
      kind: 'openai' as const,
      id: 'edge-model',
      base_url: edge.url,
      prior_quality: 0.5,
      usd_per_1k_tokens: 0,
      prior_ttft_ms: 100,
      prior_tokens_per_s: 50,
    },
  ];
  proxy = await startProxy(0, {
    config: {
      models,
      judge: {
        kind: 'openai',
        id: 'judge-model',
        base_url: judgeServer.url,
        prior_quality: 0.5,
        usd_per_1k_tokens: 0,
        prior_ttft_ms: 100,
        prior_tokens_per_s: 50,
      },
      selector: null,
    },
  });
  withoutJudge = await startProxy(0, { config: { models, selector: null } });
});
afterAll(async () => {
  await Promise.all([proxy.close(), withoutJudge.close()]);
  await Promise.all([edge.close(), judgeServer.close()]);
});

const check = (base: string, body: unknown) =>
  fetch(`${base}/v1/riskgate/shadow`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const question = [{ role: 'user', content: 'What is the capital of France?' }];

describe('POST /v1/riskgate/shadow', () => {
  it("gets the edge's answer and says it was better when the judge prefers it in both orders", async () => {
    const before = judgeServer.requests;
    const response = await check(proxy.url, { messages: question, local_answer: 'I do not know.', max_tokens: 16 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      object: 'riskgate.shadow_check',
      verdict: 'edge_better',
      votes: ['B', 'A'],
      judge_model: 'judge-model',
      edge: { model: 'edge-model', content: 'Paris is the capital of France .' },
    });
    expect(judgeServer.requests - before).toBe(2); // both orders
  });

  it('a tie, or a verdict that flips with the order, is "not worse"', async () => {
    const tie = await (await check(proxy.url, { messages: question, local_answer: 'Paris.' })).json();
    expect(tie).toMatchObject({ verdict: 'not_worse', votes: ['C', 'C'] });
    // A judge that always picks the first answer (position bias) never finds the edge better.
    const firstAlways: Upstream = {
      id: 'a',
      kind: 'openai',
      model: 'biased',
      async *generate() {
        yield 'Looks fine. [[A]]';
        return { finishReason: 'stop', promptTokens: 1, completionTokens: 1 };
      },
    };
    const biased = await createPairwiseJudge(firstAlways).judge(
      question as never,
      { local: 'x', edge: 'y' },
      new AbortController().signal,
    );
    expect(biased).toEqual({ verdict: 'not_worse', votes: ['A', 'A'], model: 'biased' });
  });

  it('a judge that does not answer in the [[A]]/[[B]]/[[C]] form gives no label (the real embedded model as judge)', async () => {
    expect(readVote('first [[B]] then, on reflection, [[A]]')).toBe('A');
    expect(readVote('I prefer answer B')).toBeUndefined();
    const embedded = createEmbeddedThreadUpstream({ id: 'stories260K', queuePerThread: 4 });
    try {
      const judgement = await createPairwiseJudge(embedded).judge(
        question as never,
        { local: 'x', edge: 'y' },
        new AbortController().signal,
      );
      expect(judgement.verdict).toBe('undecided');
      expect(judgement.votes).toEqual(['none', 'none']);
    } finally {
      await embedded.close?.();
    }
  });

  it('refuses clearly: no judge (501), a bad body (400 naming the field), a judge that fails (502), the edge failing (its own error)', async () => {
    const off = await check(withoutJudge.url, { messages: question, local_answer: 'x' });
    expect(off.status).toBe(501);
    expect((await off.json()).error).toMatchObject({ code: 'judge_unavailable', type: 'server_error' });

    const missing = await check(proxy.url, { messages: question });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({ code: 'invalid_request', param: 'local_answer' });
    const extra = await check(proxy.url, { messages: question, local_answer: 'x', stream: true });
    expect(extra.status).toBe(400);
    const huge = await check(proxy.url, { messages: question, local_answer: 'x'.repeat(1_000_001) });
    expect(huge.status).toBe(413);

    judgeServer.behaviour = 'status500';
    try {
      const failed = await check(proxy.url, { messages: question, local_answer: 'x' });
      expect(failed.status).toBe(502);
      expect((await failed.json()).error).toMatchObject({
        code: 'upstream_failed',
        message: expect.stringContaining('judge'),
      });
    } finally {
      judgeServer.behaviour = 'ok';
    }
    edge.behaviour = 'status500';
    try {
      const failed = await check(proxy.url, { messages: question, local_answer: 'x' });
      expect(failed.status).toBe(502);
      expect((await failed.json()).error.code).toBe('upstream_failed');
    } finally {
      edge.behaviour = 'ok';
    }
  });
});
