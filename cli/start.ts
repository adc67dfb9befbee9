/**
 * @module cli/start
 * `npm start`: converts the embedded model if needed, builds the app, then serves the app
 * (vite preview, PORT, default 5173) and the edge proxy (PROXY_PORT, default 8787).
 */
import { build, preview } from 'vite';
import { convert } from './commands/convert.js';
import { describeAuth, loadConfig, startProxy } from '../edge-proxy/server.js';
import { REPO_ROOT } from './paths.js';

const appPort = Number(process.env.PORT ?? 5173);
const { config, baseDir } = loadConfig();
const proxyPort = config.port;

await convert([]);
process.env.VITE_RISKGATE_ENDPOINT ??= `http://localhost:${proxyPort}`;
await build({ root: REPO_ROOT, logLevel: 'warn' });
const proxy = await startProxy(proxyPort, { config, baseDir });
const server = await preview({ root: REPO_ROOT, preview: { port: appPort, strictPort: true } });
console.log(`\nriskgate is running\n  app:        http://localhost:${appPort}/\n  edge proxy: ${proxy.url}/v1/chat/completions \n  ${describeAuth(config)}\n`);
const stop = async () => { await Promise.all([proxy.close(), server.close()]); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
