/**
 * @module testing/embedded-and-remote
 * The proxy the client-library suites run against: the embedded model (first by utility) and a
 * fake OpenAI-compatible upstream named `remote` that implements tools and structured output.
 */
import { createNodeEngine } from '../../node/local-model.js';
import { createProxyApp, type ProxyOptions } from '../app.js';
import { listen, type RunningProxy } from '../server.js';
import { createEmbeddedOnnxUpstream } from '../upstream/embedded-onnx.js';
import { createOpenAiHttpUpstream } from '../upstream/openai-http.js';
import { undiciTransport } from '../upstream/undici-transport.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './fake-openai-server.js';

export type EmbeddedAndRemote = {
  readonly proxy: RunningProxy;
  readonly fake: FakeOpenAiServer;
  close(): Promise<void>;
};

export async function startEmbeddedAndRemote(
  options: { config?: ProxyOptions['config']; remoteUsdPer1kTokens?: number } = {},
): Promise<EmbeddedAndRemote> {
  const fake = await startFakeOpenAiServer();
  const proxy = await listen(
    createProxyApp({
      ...(options.config ? { config: options.config } : {}),
      candidates: [
        {
          upstream: createEmbeddedOnnxUpstream(createNodeEngine),
          priorQuality: 0.1,
          usdPer1kTokens: 0,
          ttftMs: 5,
          tokensPerSecond: 1000,
        },
        {
          upstream: createOpenAiHttpUpstream({
            id: 'remote',
            baseUrl: fake.url,
            upstreamModel: 'remote',
            idleTimeoutMs: 5000,
            transport: undiciTransport,
          }),
          priorQuality: 0.05,
          usdPer1kTokens: options.remoteUsdPer1kTokens ?? 0,
          ttftMs: 50,
          tokensPerSecond: 50,
        },
      ],
    }).fetch,
    0,
  );
  return {
    proxy,
    fake,
    close: async () => {
      await proxy.close();
      await fake.close();
    },
  };
}
