/**
 * @module testing/embedded-and-remote
 * The proxy the client-library suites run against: the embedded model (first by utility) and a
 * fake OpenAI-compatible upstream named `remote` that implements tools and structured output.
 */
import { createProxyApp, type ProxyOptions } from '../app.js';
import { listen, type RunningProxy } from '../server.js';
import { embeddedCandidate, remoteCandidate } from './candidates.js';
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
      candidates: [embeddedCandidate(), remoteCandidate(fake, { usdPer1kTokens: options.remoteUsdPer1kTokens ?? 0 })],
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
