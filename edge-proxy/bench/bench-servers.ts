/**
 * @module bench/bench-servers
 * Child process for `npm run bench:proxy`: a canned OpenAI-compatible upstream and the proxy in
 * front of it (OpenAI-HTTP upstream, auth off, no limits in the way). Prints their URLs as JSON.
 */
import { createProxyApp } from '../app.js';
import { listen } from '../server.js';
import { startFakeOpenAiServer } from '../testing/fake-openai-server.js';
import { createOpenAiHttpUpstream } from '../upstream/openai-http.js';
import { undiciTransport } from '../upstream/undici-transport.js';

const upstream = await startFakeOpenAiServer();
const app = createProxyApp({
  config: { rate_limit_per_minute: 100_000_000, keepalive_ms: 60_000 },
  candidates: [{ upstream: createOpenAiHttpUpstream({ id: 'canned', baseUrl: upstream.url, upstreamModel: 'canned', idleTimeoutMs: 30_000, transport: undiciTransport }), priorQuality: 1, usdPer1kTokens: 0, ttftMs: 1, tokensPerSecond: 1000 }],
});
const proxy = await listen(app.fetch, 0);
console.log(JSON.stringify({ upstream: upstream.url, proxy: `${proxy.url}/v1` }));
process.on('SIGINT', () => process.exit(0)); // lets --cpu-prof write its profile
