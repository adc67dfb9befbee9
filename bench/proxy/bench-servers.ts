/**
 * @module bench/bench-servers
 * Child processes for `npm run bench:proxy`, one per role so that neither shares an event loop
 * with the other or with the load generator: `upstream` (a canned OpenAI-compatible server),
 * `proxy` (the proxy in front of UPSTREAM_URL: OpenAI-HTTP upstream, auth off, limits out of the
 * way) and `floor` (bench/proxy/floor-relay.ts: the least a Node relay of the same answers does).
 * Each prints its URL as JSON on its first line.
 */
import { createProxyApp } from '../../edge-proxy/app.js';
import { listen } from '../../edge-proxy/server.js';
import { startFakeOpenAiServer } from '../../edge-proxy/testing/fake-openai-server.js';
import { createOpenAiHttpUpstream } from '../../edge-proxy/upstream/openai-http.js';
import { undiciTransport } from '../../edge-proxy/upstream/undici-transport.js';
import { startFloorRelay } from './floor-relay.js';

const role = process.argv[2];
if (role === 'floor') {
  const floor = await startFloorRelay(process.env.UPSTREAM_URL!);
  console.log(JSON.stringify({ url: floor.url }));
} else if (role === 'upstream') {
  const upstream = await startFakeOpenAiServer();
  console.log(JSON.stringify({ url: upstream.url }));
} else {
  const baseUrl = process.env.UPSTREAM_URL!;
  const app = createProxyApp({
    config: { rate_limit_per_minute: 100_000_000, keepalive_ms: 60_000 },
    candidates: [
      {
        upstream: createOpenAiHttpUpstream({
          id: 'canned',
          baseUrl,
          upstreamModel: 'canned',
          idleTimeoutMs: 30_000,
          transport: undiciTransport,
        }),
        priorQuality: 1,
        usdPer1kTokens: 0,
        ttftMs: 1,
        tokensPerSecond: 1000,
      },
    ],
  });
  const proxy = await listen(app.fetch, 0);
  console.log(JSON.stringify({ url: `${proxy.url.replace('localhost', '127.0.0.1')}/v1` }));
}
process.on('SIGINT', () => process.exit(0)); // lets --cpu-prof write its profile
