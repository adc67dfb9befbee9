/**
 * @module cli/start
 * `npm start`: converts the embedded model if needed, builds the widget, then serves the demo page
 * and `dist/` with the production static server (brotli/gzip, isolation headers; PORT, default
 * 5173) and the edge proxy (PROXY_PORT, default 8787).
 */
import { build } from 'vite';
import { startStaticServer } from '../node/static-server.js';
import { convert } from './commands/convert.js';
import { describeAuth, drainOnSignals, loadConfig, startProxy } from '../edge-proxy/server.js';
import { MODELS_DIR, REPO_ROOT } from '../node/paths.js';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultModels } from '../edge-proxy/config.js';
import { DEFAULT_RECORDINGS, fetchedGguf } from '../edge-proxy/upstreams-from-config.js';

const appPort = Number(process.env.PORT ?? 5173);
const { config, baseDir } = loadConfig();
const proxyPort = config.port;

await convert([]);
await build({ root: REPO_ROOT, logLevel: 'warn' });
// The proxy answers the app this command serves; CORS_ORIGINS or the config adds other sites.
// A fetched TinyLlama is the real "larger model on the server" (natively) and, declared in the
// models folder, the device's model too; absent, one line says how to get it.
const gguf = fetchedGguf();
const onDevice =
  existsSync(resolve(MODELS_DIR, 'models.json')) &&
  readFileSync(resolve(MODELS_DIR, 'models.json'), 'utf8').includes('"gguf"');
const models = config.models ?? (gguf ? defaultModels(DEFAULT_RECORDINGS, gguf) : undefined);
const proxy = await startProxy(proxyPort, {
  config: {
    ...config,
    ...(models ? { models } : {}),
    cors_origins: [...config.cors_origins, `http://localhost:${appPort}`, `http://127.0.0.1:${appPort}`],
  },
  baseDir,
});
const server = await startStaticServer({ port: appPort, pages: true, endpoint: proxy.url });
console.log(
  `\nriskgate is running\n  app:        http://localhost:${appPort}/\n  edge proxy: ${proxy.url}/v1/chat/completions \n  ${describeAuth(config)}`,
);
console.log(
  gguf || onDevice
    ? `  chat model: TinyLlama-1.1B-Chat${gguf && !config.models ? ' at the edge (native llama.cpp)' : ''}${onDevice ? `${gguf && !config.models ? ' and' : ''} on the device (llama.cpp in WebAssembly)` : ''}\n`
    : '  chat model: none yet; for a real one at the edge: npm run riskgate -- models fetch tinyllama-1.1b-chat\n',
);
// SIGTERM / SIGINT: the proxy drains its open answers (drain_timeout_ms), then both servers close.
drainOnSignals(proxy, config.drain_timeout_ms, () => server.close());
