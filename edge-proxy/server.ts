/**
 * @module server
 * The Node adapter: the only file that listens. `npm run proxy` (PROXY_PORT, default 8787).
 */
import { serve, type ServerType } from '@hono/node-server';
import { pathToFileURL } from 'node:url';
import { createNodeEngine } from '../cli/local-model.js';
import { createProxyApp } from './app.js';
import { createEmbeddedOnnxUpstream } from './upstream/embedded-onnx.js';

export const DEFAULT_PROXY_PORT = 8787;

/** Bearer tokens from `RISKGATE_TOKENS` (comma-separated); none = auth off. */
export const tokensFromEnv = (value = process.env.RISKGATE_TOKENS ?? ''): string[] => value.split(',').map((t) => t.trim()).filter(Boolean);

export async function startProxy(port: number, options: { tokens?: readonly string[] } = {}): Promise<{ server: ServerType; url: string; close(): Promise<void> }> {
  const app = createProxyApp({ upstream: createEmbeddedOnnxUpstream(createNodeEngine), tokens: options.tokens ?? [] });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `http://localhost:${actualPort}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PROXY_PORT ?? DEFAULT_PROXY_PORT);
  const tokens = tokensFromEnv();
  const proxy = await startProxy(port, { tokens });
  console.log(`riskgate edge proxy: ${proxy.url}  (POST /v1/chat/completions, GET /v1/models, GET /health; upstream: embedded stories260K)`);
  console.log(tokens.length > 0 ? `auth: bearer token required (${tokens.length} configured)` : 'auth: OFF — no RISKGATE_TOKENS configured; anyone who can reach this port can use it');
}
