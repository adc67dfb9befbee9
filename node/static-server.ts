/**
 * @module node/static-server
 * The production server for the built widget (`npm start`, the Playwright journeys, the
 * benchmarks): sirv over `dist/`, sending the build's precompressed `.br` / `.gz` copies, with
 * the headers a deployment needs (docs/decisions/014-deploy-anywhere.md):
 * - COOP `same-origin` + COEP `require-corp` on pages, so ORT may use WASM threads;
 * - CORS (`Access-Control-Allow-Origin: *`) and `Cross-Origin-Resource-Policy: cross-origin` on
 *   the widget's files, so a page on another origin can load them (the CDN case);
 * - hashed files under `assets/` cached for a year, everything else revalidated;
 * - `nosniff` on every response, `frame-ancestors 'self'` on pages (CORS only on the widget's files).
 * Nothing a request sends can throw out of the listener (a malformed URL is a 400); no file outside
 * the served folder is reachable (symlinks are resolved and checked) and no dotfile is served. It
 * listens on loopback unless `host` says otherwise.
 * The demo page (the repo's `index.html`) and the test harness are served beside `dist/`, never
 * from it. `mount` serves `dist/` under a sub-folder, as a site owner would copy it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import sirv from 'sirv';
import { REPO_ROOT } from './paths.js';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
export const CROSS_ORIGIN_ASSET_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
} as const;
/** On every response: browsers must not guess a type (a model file is never a script). */
const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff' } as const;
/** On pages only: no other site may frame them (clickjacking). */
const PAGE_HEADERS = { ...COMMON_HEADERS, 'Content-Security-Policy': "frame-ancestors 'self'" } as const;

export type StaticServerOptions = {
  readonly port: number;
  /** Folder to serve (default: the repo's dist/). */
  readonly distDir?: string;
  /** URL prefix dist/ is served under, e.g. '/riskgate/' (default '/'). */
  readonly mount?: string;
  /** The edge proxy the demo page's widget talks to (default http://localhost:8787). */
  readonly endpoint?: string;
  /** Also serve the demo page at the mount point and /e2e/harness.html (the repo's own pages). */
  readonly pages?: boolean;
  /** Send COOP/COEP on pages (default true). */
  readonly isolation?: boolean;
  /** Re-read files on every request (a test deploys a new build into the served folder). */
  readonly watch?: boolean;
  /** Interface to listen on (default 127.0.0.1, loopback; `HOST` for `tsx node/static-server.ts`). */
  readonly host?: string;
  /** Sent on every file and page, as a site owner's server adds its own policy (e.g. Content-Security-Policy). */
  readonly headers?: Readonly<Record<string, string>>;
};

export type StaticServer = {
  readonly url: string;
  readonly server: Server;
  /** Bytes sent so far, headers included: what page loads cost the network (before compression of the TCP/TLS layer). */
  bytesSent(): number;
  close(): Promise<void>;
};

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const mount = options.mount ?? '/';
  const isolation = options.isolation ?? true;
  const root = realpathSync(options.distDir ?? resolve(REPO_ROOT, 'dist'));
  const files = sirv(root, {
    brotli: true,
    gzip: true,
    etag: true,
    dev: options.watch ?? false,
    dotfiles: false,
    setHeaders(res, pathname) {
      const isPage = pathname.endsWith('.html');
      for (const [k, v] of Object.entries(
        isPage ? PAGE_HEADERS : { ...COMMON_HEADERS, ...CROSS_ORIGIN_ASSET_HEADERS },
      )) {
        res.setHeader(k, v);
      }
      if (isolation) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
      for (const [k, v] of Object.entries(options.headers ?? {})) res.setHeader(k, v);
      const immutable = pathname.startsWith('/assets/');
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page = (file: string) => {
    const html = readFileSync(resolve(REPO_ROOT, file), 'utf8');
    return options.endpoint ? html.replaceAll('http://localhost:8787', options.endpoint) : html;
  };
  const sendPage = (res: ServerResponse, html: string) => {
    const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', ...PAGE_HEADERS };
    res.writeHead(200, { ...headers, ...(isolation ? ISOLATION_HEADERS : {}), ...options.headers });
    res.end(html);
  };
  const refuse = (res: ServerResponse, status: 400 | 404) => {
    res.writeHead(status, { 'Content-Type': 'text/plain', ...COMMON_HEADERS, ...CROSS_ORIGIN_ASSET_HEADERS });
    res.end(status === 400 ? 'bad request' : 'not found');
  };
  let bytes = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // Headers and body as they left on the socket (keep-alive sockets carry one response at a time).
    const before = req.socket.bytesWritten;
    res.once('finish', () => {
      bytes += req.socket.bytesWritten - before;
    });
    const path = requestPath(req.url);
    if (path === undefined) return refuse(res, 400);
    if (options.pages && (path === mount || path === `${mount}index.html`)) return sendPage(res, page('index.html'));
    if (options.pages && path === '/e2e/harness.html') return sendPage(res, page('e2e/harness.html'));
    if (!path.startsWith(mount)) return refuse(res, 404);
    const inside = `/${path.slice(mount.length)}`;
    if (!servable(root, inside)) return refuse(res, 404);
    req.url = inside;
    files(req, res, () => refuse(res, 404));
  };
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      // Whatever a request sends, the process (static server and, under `npm start`, the proxy) lives on.
      if (!res.headersSent) refuse(res, 400);
      else res.destroy();
    }
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((ok, fail) =>
    server.once('error', fail).listen(options.port, options.host ?? '127.0.0.1', ok),
  );
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${port}${mount}`,
    server,
    bytesSent: () => bytes,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** The decoded path of a request target, or undefined when it is not a path we can serve. */
export function requestPath(target: string | undefined): string | undefined {
  if (!target?.startsWith('/')) return undefined; // absolute-form (`GET http://a:99999999/`), `*`, empty
  const raw = target.split(/[?#]/, 1)[0] ?? '/';
  try {
    const path = decodeURIComponent(raw);
    return path.includes('\0') || path.split('/').includes('..') ? undefined : path;
  } catch {
    return undefined; // malformed percent-encoding
  }
}

/** A file under `root` that is not a dotfile and, symlinks resolved, still inside `root`. */
function servable(root: string, path: string): boolean {
  if (path.split('/').some((segment) => segment.startsWith('.'))) return false;
  try {
    const real = realpathSync(resolve(root, `.${path}`));
    return real === root || real.startsWith(root + sep);
  } catch {
    return true; // not there (or a precompressed twin only): sirv answers 404 or the .br/.gz copy
  }
}

// `tsx node/static-server.ts`: what the Playwright config starts (PORT, PROXY_PORT from the env).
if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 5173);
  const endpoint = `http://localhost:${process.env.PROXY_PORT ?? 8787}`;
  const served = await startStaticServer({
    port,
    pages: true,
    endpoint,
    ...(process.env.HOST ? { host: process.env.HOST } : {}),
  });
  console.log(`serving dist/ at ${served.url}`);
}
