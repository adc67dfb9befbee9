/**
 * @module cli/static-server
 * The production server for the built widget (`npm start`, the Playwright journeys, the
 * benchmarks): sirv over `dist/`, sending the build's precompressed `.br` / `.gz` copies, with
 * the headers a deployment needs (docs/decisions/014-deploy-anywhere.md):
 * - COOP `same-origin` + COEP `require-corp` on pages, so ORT may use WASM threads;
 * - CORS (`Access-Control-Allow-Origin: *`) and `Cross-Origin-Resource-Policy: cross-origin` on
 *   the widget's files, so a page on another origin can load them (the CDN case);
 * - hashed files under `assets/` cached for a year, everything else revalidated.
 * The demo page (the repo's `index.html`) and the test harness are served beside `dist/`, never
 * from it. `mount` serves `dist/` under a sub-folder, as a site owner would copy it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sirv from 'sirv';
import { REPO_ROOT } from '../node/paths.js';

export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } as const;
export const CROSS_ORIGIN_ASSET_HEADERS = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' } as const;

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
  const files = sirv(options.distDir ?? resolve(REPO_ROOT, 'dist'), {
    brotli: true, gzip: true, etag: true, dev: options.watch ?? false,
    setHeaders(res, pathname) {
      for (const [k, v] of Object.entries(CROSS_ORIGIN_ASSET_HEADERS)) res.setHeader(k, v);
      if (isolation) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
      res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page = (file: string) => {
    const html = readFileSync(resolve(REPO_ROOT, file), 'utf8');
    return options.endpoint ? html.replaceAll('http://localhost:8787', options.endpoint) : html;
  };
  const sendPage = (res: ServerResponse, html: string) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', ...(isolation ? ISOLATION_HEADERS : {}) });
    res.end(html);
  };
  const notFound = (res: ServerResponse) => {
    res.writeHead(404, { 'Content-Type': 'text/plain', ...CROSS_ORIGIN_ASSET_HEADERS });
    res.end('not found');
  };
  let bytes = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // Headers and body as they left on the socket (keep-alive sockets carry one response at a time).
    const before = req.socket.bytesWritten;
    res.once('finish', () => { bytes += req.socket.bytesWritten - before; });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (options.pages && (path === mount || path === `${mount}index.html`)) return sendPage(res, page('index.html'));
    if (options.pages && path === '/e2e/harness.html') return sendPage(res, page('e2e/harness.html'));
    if (!path.startsWith(mount)) return notFound(res);
    req.url = `/${(req.url ?? '/').slice(mount.length)}`;
    files(req, res, () => notFound(res));
  };
  const server = createServer(handle);
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(options.port, ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${port}${mount}`,
    server,
    bytesSent: () => bytes,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

// `tsx cli/static-server.ts`: what the Playwright config starts (PORT, PROXY_PORT from the env).
if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 5173);
  const served = await startStaticServer({ port, pages: true, endpoint: `http://localhost:${process.env.PROXY_PORT ?? 8787}` });
  console.log(`serving dist/ at ${served.url}`);
}
