/**
 * @module testing/candidates
 * The two edge models the proxy suites build their ladders from: the embedded model (stories260K
 * in onnxruntime-node) and an OpenAI-compatible upstream on a fake server. Each suite sets only
 * what it is about (a prior that puts one first, a declared limit, vision).
 */
import { createNodeEngine } from '../../node/local-model.js';
import type { Candidate } from '../selector.js';
import { createEmbeddedOnnxUpstream } from '../upstream/embedded-onnx.js';
import { createOpenAiHttpUpstream } from '../upstream/openai-http.js';
import { undiciTransport } from '../upstream/undici-transport.js';
import type { FakeOpenAiServer } from './fake-openai-server.js';

type CandidateFigures = Partial<Omit<Candidate, 'upstream'>>;

export const embeddedCandidate = (figures: CandidateFigures = {}): Candidate => ({
  upstream: createEmbeddedOnnxUpstream(createNodeEngine),
  priorQuality: 0.1,
  usdPer1kTokens: 0,
  ttftMs: 5,
  tokensPerSecond: 1000,
  ...figures,
});

export const remoteCandidate = (
  fake: FakeOpenAiServer,
  figures: CandidateFigures & { id?: string; vision?: boolean } = {},
): Candidate => {
  const { id = 'remote', vision = false, ...rest } = figures;
  return {
    upstream: createOpenAiHttpUpstream({
      id,
      baseUrl: fake.url,
      upstreamModel: id,
      idleTimeoutMs: 5000,
      transport: undiciTransport,
      vision,
    }),
    priorQuality: 0.05,
    usdPer1kTokens: 0,
    ttftMs: 50,
    tokensPerSecond: 50,
    ...rest,
  };
};
