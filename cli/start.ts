/**
 * @module cli/start
 * `npm start`: converts the embedded model if needed, builds the widget, then serves the demo page
 * and `dist/` with the production static server (brotli/gzip, isolation headers; PORT, default
 * 5173) and the edge proxy (PROXY_PORT, default 8787).
 */
import { build } from 'vite';
import { startStaticServer } from './static-server.js';
import { convert } from './commands/convert.js';
import { describeAuth, drainOnSignals, loadConfig, startProxy } from '../edge-proxy/server.js';
import { REPO_ROOT } from '../node/paths.js';

const appPort = Number(process.env.PORT ?? 5173);
const { config, baseDir } = loadConfig();
const proxyPort = config.port;

await convert([]);
await build({ root: REPO_ROOT, logLevel: 'warn' });
// The proxy answers the app this command serves; CORS_ORIGINS or the config adds other sites.
const proxy = await startProxy(proxyPort, { config: { ...config, cors_origins: [...config.cors_origins, `http://localhost:${appPort}`, `http://127.0.0.1:${appPort}`] }, baseDir });
const server = await startStaticServer({ port: appPort, pages: true, endpoint: proxy.url });
console.log(`\nriskgate is running\n  app:        http://localhost:${appPort}/\n  edge proxy: ${proxy.url}/v1/chat/completions \n  ${describeAuth(config)}\n`);
// SIGTERM / SIGINT: the proxy drains its open answers (drain_timeout_ms), then both servers close.
drainOnSignals(proxy, config.drain_timeout_ms, () => server.close());
