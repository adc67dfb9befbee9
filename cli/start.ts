/**
 * @module cli/start
 * `npm start`: converts the embedded model if needed, builds the app, then serves the app
 * (vite preview, PORT, default 5173) and the edge proxy (PROXY_PORT, default 8787).
 */
import { build, preview } from 'vite';
import { convert } from './commands/convert.js';
import { DEFAULT_PROXY_PORT, startProxy, tokensFromEnv } from '../edge-proxy/server.js';
import { REPO_ROOT } from './paths.js';

const appPort = Number(process.env.PORT ?? 5173);
const proxyPort = Number(process.env.PROXY_PORT ?? DEFAULT_PROXY_PORT);

await convert([]);
process.env.VITE_RISKGATE_ENDPOINT ??= `http://localhost:${proxyPort}`;
await build({ root: REPO_ROOT, logLevel: 'warn' });
const tokens = tokensFromEnv();
const proxy = await startProxy(proxyPort, { tokens });
const server = await preview({ root: REPO_ROOT, preview: { port: appPort, strictPort: true } });
console.log(`\nriskgate is running\n  app:        http://localhost:${appPort}/\n  edge proxy: ${proxy.url}/v1/chat/completions (auth ${tokens.length > 0 ? 'on' : 'OFF: set RISKGATE_TOKENS to require a bearer token'})\n`);
const stop = async () => { await Promise.all([proxy.close(), server.close()]); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
