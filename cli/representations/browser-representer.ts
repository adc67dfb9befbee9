/**
 * @module cli/representations/browser-representer
 * Drives headless Chromium through the widget's own worker and engine (the built `dist/`, or
 * another build) to read prompts' representations: what the gate for that model will read at
 * route time, computed by the code that will compute it then. The models folder is served on the
 * page's own origin by forwarding `/models/` to `--models-url`, so the user's server needs no CORS
 * headers, and the page's origin is a fixed port so that web-llm's Cache API copy of the weights
 * (keyed by URL) is found again by the next run: gigabytes are downloaded once.
 */
import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sirv from 'sirv';
import { fromErrorPayload, RouterError, type ErrorPayload } from '../../core/errors.js';
import type { EngineStatus } from '../../core/protocol/tooling-api.js';
import type { LoadProgress } from '../../core/protocol/worker-api.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../node/chromium.js';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>riskgate represent</title></head><body>
<script type="module">import { createRouterClient } from './riskgate-chat.js'; window.riskgateRepresent = { createRouterClient };</script></body></html>`;

export type RepresentedPrompt = {
  readonly vector: Float32Array;
  readonly tokenCount: number;
  readonly truncatedTokens: number;
  readonly prefillMs: number;
};

export type BrowserRepresenter = {
  readonly status: EngineStatus;
  represent(prompt: string): Promise<RepresentedPrompt>;
  close(): Promise<void>;
};

export type BrowserRepresenterOptions = {
  readonly modelsUrl: string;
  readonly widgetDir: string;
  readonly profileDir: string;
  readonly port: number;
  readonly backend: 'auto' | 'wasm' | 'webgpu';
  readonly sketchDim: number;
  readonly onProgress?: (progress: LoadProgress) => void;
};

function startSite(widgetDir: string, modelsUrl: string, port: number): Promise<Server> {
  const widget = sirv(widgetDir, { dev: true });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/riskgate-represent.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(PAGE);
      return;
    }
    if (path.startsWith('/models/')) {
      const target = new URL(
        `${path.slice('/models/'.length)}${new URL(req.url ?? '/', 'http://x').search}`,
        modelsUrl,
      );
      // Uncompressed, so the length forwarded is the length of the bytes forwarded (fetch would decode a
      // precompressed body and leave the encoded length).
      fetch(target, {
        method: req.method === 'HEAD' ? 'HEAD' : 'GET',
        headers: { 'accept-encoding': 'identity' },
      }).then(
        (upstream) => {
          const headers: Record<string, string> = {};
          const names = upstream.headers.has('content-encoding')
            ? ['content-type', 'etag', 'last-modified']
            : ['content-type', 'content-length', 'etag', 'last-modified'];
          for (const name of names) {
            const v = upstream.headers.get(name);
            if (v) headers[name] = v;
          }
          res.writeHead(upstream.status, headers);
          if (!upstream.body) {
            res.end();
            return;
          }
          Readable.fromWeb(upstream.body as never).pipe(res);
        },
        (error: unknown) => {
          res.writeHead(502);
          res.end(`models URL unreachable: ${String(error)}`);
        },
      );
      return;
    }
    widget(req, res, () => {
      res.writeHead(404);
      res.end('not found');
    });
  });
  return new Promise((ok, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? new RouterError(
              'invalid_request',
              `port ${port} is taken: pass --port N (another free port; the model is then downloaded again) or --port 0`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

export async function startBrowserRepresenter(options: BrowserRepresenterOptions): Promise<BrowserRepresenter> {
  const server = await startSite(options.widgetDir, options.modelsUrl, options.port);
  const { port } = server.address() as { port: number };
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close().catch(() => undefined);
    await new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  };
  try {
    // A persistent profile: web-llm keeps the weights in the Cache API, which an ephemeral profile caps.
    context = await chromium.launchPersistentContext(options.profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    // tsx (esbuild keepNames) wraps named functions in `__name(…)`; the page has no such helper.
    await context.addInitScript('globalThis.__name = (f) => f;');
    const page: Page = context.pages()[0] ?? (await context.newPage());
    if (options.onProgress) await page.exposeFunction('riskgateRepresentProgress', options.onProgress);
    const origin = `http://127.0.0.1:${port}`;
    const response = await page.goto(`${origin}/riskgate-represent.html`);
    if (!response?.ok())
      throw new RouterError('invalid_request', `the widget build in ${options.widgetDir} could not be served`);
    const status = await page.evaluate(
      async ({ modelsUrl, backend }) => {
        type Client = ReturnType<Window['riskgateHarness']['createRouterClient']>;
        const holder = window as unknown as {
          riskgateRepresent?: { createRouterClient(): Client };
          riskgateClient: Client;
          riskgateRepresentProgress?: (p: unknown) => void;
        };
        if (!holder.riskgateRepresent)
          throw new Error('riskgate-chat.js did not load: is the widget built (npm run build)?');
        holder.riskgateClient = holder.riskgateRepresent.createRouterClient();
        const report = holder.riskgateRepresentProgress;
        try {
          return await holder.riskgateClient.initEngine(
            { modelsUrl, backend },
            report
              ? (p) => {
                  void report(p);
                }
              : undefined,
          );
        } catch (error) {
          const { code, message } = error as { code?: string; message?: string };
          return {
            error: { code: (code ?? 'internal_error') as ErrorPayload['code'], message: message ?? String(error) },
          };
        }
      },
      { modelsUrl: `${origin}/models/`, backend: options.backend },
    );
    if ('error' in status)
      throw new RouterError(status.error.code, `the browser could not load the model: ${status.error.message}`);
    return {
      status,
      async represent(prompt) {
        type Answer =
          | { vector: number[]; tokenCount: number; truncatedTokens: number; prefillMs: number }
          | { error: ErrorPayload };
        const result = await page.evaluate(
          async ({ prompt, sketchDim }): Promise<Answer> => {
            const client = (
              window as unknown as { riskgateClient: ReturnType<Window['riskgateHarness']['createRouterClient']> }
            ).riskgateClient;
            try {
              const r = await client.tooling.represent([{ role: 'user', content: prompt }], { sketchDim });
              return {
                vector: Array.from(r.vector),
                tokenCount: r.tokenCount,
                truncatedTokens: r.truncatedTokens,
                prefillMs: r.prefillMs,
              };
            } catch (error) {
              const { code, message } = error as { code?: string; message?: string };
              return {
                error: { code: (code ?? 'internal_error') as ErrorPayload['code'], message: message ?? String(error) },
              };
            }
          },
          { prompt, sketchDim: options.sketchDim },
        );
        if ('error' in result) throw fromErrorPayload(result.error);
        return { ...result, vector: Float32Array.from(result.vector) };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
