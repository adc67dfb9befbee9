/**
 * @module server
 * The Node adapter: the only file that listens. `npm run proxy`; `RISKGATE_CONFIG` names a JSON
 * config file (edge-proxy/config.ts), `PROXY_PORT` and `RISKGATE_TOKENS` override it.
 */
import type { AccessPolicy } from './virtual-keys.js';
import { startTracing } from './tracing-export.js';
import { createHttpEmbedder } from './embeddings.js';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProxyApp } from './app.js';
import { parseConfig, type ProxyConfig } from './config.js';
import { candidatesFromConfig, judgeFromConfig, loadQualityPredictor } from './upstreams-from-config.js';
import { createLogger } from './log.js';
import { createRedisStores } from './redis-stores.js';
import { guardStores } from './guarded-stores.js';
import { checkWidgetSecret } from './widget-tokens.js';

export const DEFAULT_PROXY_PORT = 8787;
/** Pending connections the kernel holds for us (capped by net.core.somaxconn). */
export const LISTEN_BACKLOG = 4096;

/** Bearer tokens from `RISKGATE_TOKENS` (comma-separated); none = auth off. */
export const tokensFromEnv = (value = process.env.RISKGATE_TOKENS ?? ''): string[] =>
  value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** Reads RISKGATE_CONFIG (if set) and applies the env overrides. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): { config: ProxyConfig; baseDir: string } {
  const path = env.RISKGATE_CONFIG ? resolve(env.RISKGATE_CONFIG) : undefined;
  const raw = path ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  const tokens = tokensFromEnv(env.RISKGATE_TOKENS ?? '');
  const cors = env.CORS_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const config = parseConfig({
    ...raw,
    ...(env.PROXY_PORT ? { port: Number(env.PROXY_PORT) } : {}),
    ...(tokens.length ? { tokens } : {}),
    ...(env.HOST ? { host: env.HOST } : {}),
    ...(cors?.length ? { cors_origins: cors } : {}),
    ...(env.REDIS_URL ? { redis_url: env.REDIS_URL } : {}),
  });
  return { config, baseDir: path ? dirname(path) : process.cwd() };
}

export type RunningProxy = {
  server: ServerType;
  url: string;
  close(): Promise<void>;
  /** Graceful: stop accepting, let open answers finish within `deadlineMs`, then close (SIGTERM). */
  drain?(deadlineMs: number): Promise<void>;
  /** Virtual keys and model aliases from a reloaded config (SIGHUP); throws and keeps the old ones when either is invalid. */
  reloadAccess?(next: AccessPolicy): void;
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Refuses an open proxy: a non-loopback address needs tokens, or allow_anonymous said out loud. */
export function checkExposure(config: ProxyConfig, widgetTokens = false): void {
  if (!LOOPBACK.has(config.host) && config.tokens.length === 0 && !widgetTokens && !config.allow_anonymous) {
    throw new Error(
      `refusing to listen on ${config.host} without tokens: set RISKGATE_TOKENS (or config "tokens"), or "allow_anonymous": true for a public demo`,
    );
  }
}

/** Serves any fetch app on `port` (0 = any free port), on loopback unless `hostname` says otherwise. */
export async function listen(
  fetch: (request: Request, env?: unknown) => Response | Promise<Response>,
  port: number,
  hostname = '127.0.0.1',
): Promise<RunningProxy> {
  const server = await new Promise<ServerType>((resolvePromise, reject) => {
    const s = createAdaptorServer({ fetch });
    s.once('error', reject);
    // A deep accept queue: a burst of new connections while the loop is busy must wait to be
    // accepted, not be dropped (a dropped SYN costs the client a 1 s, 3 s, 7 s… retransmit).
    s.listen({ port, host: hostname, backlog: LISTEN_BACKLOG }, () => resolvePromise(s));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `http://localhost:${actualPort}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

export async function startProxy(
  port: number,
  options: { config?: Partial<ProxyConfig>; baseDir?: string } = {},
): Promise<RunningProxy> {
  const config = parseConfig({ ...options.config, port });
  const widgetTokenSecret = config.widget_token_secret_env ? process.env[config.widget_token_secret_env] : undefined;
  if (config.widget_token_secret_env && !widgetTokenSecret)
    throw new Error(`widget_token_secret_env names ${config.widget_token_secret_env}, which is not set`);
  if (widgetTokenSecret !== undefined) checkWidgetSecret(widgetTokenSecret);
  const metricsToken = config.metrics_token_env ? process.env[config.metrics_token_env] : undefined;
  if (config.metrics_token_env && !metricsToken)
    throw new Error(`metrics_token_env names ${config.metrics_token_env}, which is not set`);
  checkExposure(config, widgetTokenSecret !== undefined);
  const candidates = candidatesFromConfig(config.models, {
    ...(options.baseDir ? { baseDir: options.baseDir } : {}),
    idleTimeoutMs: config.upstream_timeout_ms,
    embeddedQueuePerThread: config.embedded_queue_per_thread,
  });
  const qualityPredictor = await loadQualityPredictor(config.selector, options.baseDir);
  const judge = judgeFromConfig(config.judge, {
    ...(options.baseDir ? { baseDir: options.baseDir } : {}),
    idleTimeoutMs: config.upstream_timeout_ms,
  });
  const shared = config.redis_url
    ? createRedisStores(config.redis_url, { perMinute: config.rate_limit_per_minute })
    : undefined;
  await shared?.connected(2_000); // not a hard requirement: without Redis the proxy starts degraded
  const log = createLogger();
  const embedders = config.embedding_models.map((m) => createHttpEmbedder(m, process.env, config.upstream_timeout_ms));
  const app = createProxyApp({
    config,
    candidates,
    embedders,
    log,
    ...(widgetTokenSecret ? { widgetTokenSecret } : {}),
    ...(metricsToken ? { metricsToken } : {}),
    ...(shared
      ? {
          ...guardStores(shared, config.shared_state_failure, config.rate_limit_per_minute, log),
          sharedStateHealthy: shared.healthy,
        }
      : {}),
    clientAddress: (env) =>
      (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress,
    ...(qualityPredictor ? { qualityPredictor } : {}),
    ...(judge ? { judge } : {}),
  });
  const tracing = startTracing(config);
  const running = await listen(app.fetch, port, config.host);
  const release = async () => {
    await tracing?.shutdown();
    await Promise.all(candidates.map((c) => c.upstream.close?.()));
    await judge?.close?.();
    await shared?.close();
  };
  return {
    ...running,
    reloadAccess: app.reloadAccess,
    close: async () => {
      await running.close();
      await release();
    },
    drain: async (deadlineMs) => {
      const server = running.server as ServerType & { closeIdleConnections?: () => void };
      const closed = new Promise<void>((r) => server.close(() => r())); // no new connections
      server.closeIdleConnections?.();
      await app.drain(deadlineMs);
      // The last answers are written; let their bytes leave and keep-alive sockets go idle, then close.
      server.closeIdleConnections?.();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1_000))]);
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await release();
    },
  };
}

/**
 * SIGTERM / SIGINT: drain (config.drain_timeout_ms), then exit. A repeated SIGTERM changes nothing
 * (a process manager may signal the whole group, and a cluster primary passes it on too); a
 * second Ctrl-C (SIGINT) exits at once.
 */
export function drainOnSignals(
  proxy: RunningProxy,
  deadlineMs: number,
  also: () => Promise<void> = async () => {},
): void {
  let stopping = false;
  const stop = async (signal: 'SIGTERM' | 'SIGINT') => {
    if (stopping) {
      if (signal === 'SIGINT') process.exit(1);
      return;
    }
    stopping = true;
    await Promise.all([proxy.drain ? proxy.drain(deadlineMs) : proxy.close(), also()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * SIGHUP re-reads the config file and swaps the virtual keys and the model aliases (both or
 * neither); anything else in it needs a restart.
 */
export function reloadAccessOnSighup(proxy: RunningProxy): void {
  process.on('SIGHUP', () => {
    try {
      const { config } = loadConfig();
      proxy.reloadAccess?.(config);
      console.log(
        `riskgate edge proxy ${process.pid}: reloaded ${config.keys.length} virtual keys and ${Object.keys(config.model_aliases).length} model aliases`,
      );
    } catch (error) {
      console.error(
        `riskgate edge proxy ${process.pid}: reload refused, keeping the old keys and aliases: ${(error as Error).message}`,
      );
    }
  });
}

export function describeAuth(config: ProxyConfig): string {
  const widget = config.widget_token_secret_env
    ? `widget tokens signed with $${config.widget_token_secret_env}`
    : undefined;
  if (config.tokens.length > 0 || widget) {
    return `auth: ${[config.tokens.length > 0 ? `bearer token required (${config.tokens.length} configured)` : '', widget ?? ''].filter(Boolean).join('; ')}`;
  }
  return config.tokens.length > 0
    ? `auth: bearer token required (${config.tokens.length} configured)`
    : `auth: OFF — no tokens configured (RISKGATE_TOKENS or config "tokens"); anything that can reach ${config.host}:${config.port} can use it${config.allow_anonymous ? ' (allow_anonymous is on)' : ''}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { config, baseDir } = loadConfig();
  // PROXY_WORKERS=N (or "auto" = the cores): N processes share the port (node:cluster). Limits,
  // budgets and idempotency keys must then live in Redis (REDIS_URL), or each process keeps its own.
  const wanted = process.env.PROXY_WORKERS === 'auto' ? availableParallelism() : Number(process.env.PROXY_WORKERS ?? 1);
  if (cluster.isPrimary && wanted > 1) {
    if (!config.redis_url)
      console.warn(
        'PROXY_WORKERS > 1 without REDIS_URL: each worker keeps its own rate limits, budgets and idempotency keys',
      );
    for (let i = 0; i < wanted; i++) cluster.fork();
    let stopping = false;
    cluster.on('exit', (worker, code) => {
      if (stopping) return;
      if (code !== 0) {
        console.error(`proxy worker ${worker.process.pid} exited with ${code}; starting another`);
        cluster.fork();
      }
    });
    // The primary passes SIGTERM on: each worker drains its own open answers, then the primary exits.
    const stopAll = () => {
      if (stopping) return;
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
      let left = workers.length;
      if (left === 0) process.exit(0);
      for (const w of workers) {
        w.once('exit', () => {
          if (--left === 0) process.exit(0);
        });
        w.process.kill('SIGTERM');
      }
    };
    process.on('SIGTERM', stopAll);
    process.on('SIGINT', stopAll);
    // SIGHUP: every worker reloads its keys and aliases from the config file.
    process.on('SIGHUP', () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
    });
    console.log(`riskgate edge proxy: ${wanted} workers on port ${config.port}`);
  } else {
    const proxy = await startProxy(config.port, { config, baseDir });
    drainOnSignals(proxy, config.drain_timeout_ms);
    reloadAccessOnSighup(proxy);
    if (cluster.isWorker) console.log(`riskgate edge proxy worker ${process.pid}: ${proxy.url}`);
    if (cluster.isPrimary) {
      console.log(`riskgate edge proxy: ${proxy.url}  (POST /v1/chat/completions, GET /v1/models, /health, /metrics)`);
      console.log(describeAuth(config));
    }
  }
}
