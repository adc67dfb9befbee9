/**
 * @module bench/routed/browser-session
 * One browser session of `npm run bench`: a fresh Chromium on a profile (new = cold load; the cold
 * session's profile again = warm load: HTTP cache and IndexedDB thresholds), the harness page of
 * the built widget, one rung, then every operating point × path × prompt set through the real
 * router worker. Returns raw samples; nothing is averaged here.
 */
import { chromium } from 'playwright-core';
import type { ChatMessage } from '../../core/protocol/chat.js';

export type Rung = { readonly name: string; readonly backend: 'wasm' | 'webgpu'; readonly threads: number };
export type RoutePlan = {
  readonly costWeight: number;
  readonly riskLevel: number;
  readonly path: 'auto' | 'local' | 'edge';
  readonly set: string;
  readonly conversations: readonly (readonly ChatMessage[])[];
};
export type RouteSample = {
  readonly plan: number; // index into the plans
  readonly path: 'local' | 'edge' | null;
  readonly prefillMs: number;
  readonly gateMs: number;
  readonly ttftMs: number | null;
  readonly tokensPerSecond: number | null;
  readonly answerMs: number;
  readonly error: string | null;
};
export type SessionResult = {
  readonly adapter: string;
  readonly gpuAdapter: string | null;
  readonly chromium: string;
  readonly pageToReadyMs: number;
  readonly pageToFirstTokenMs: number | null;
  readonly bytes: number;
  readonly jsHeapBytes: number | null;
  readonly samples: RouteSample[];
  readonly initError: string | null;
};

export async function runBrowserSession(options: {
  readonly profileDir: string;
  readonly pageUrl: string;
  readonly modelsUrl: string;
  readonly endpoint: string;
  readonly rung: Rung;
  readonly plans: readonly RoutePlan[];
  readonly repeats: number;
  readonly warmup: number;
  readonly maxTokens: number;
  readonly bytesSent: () => number;
  /** Emulate a slower device: Chromium's CPU throttling (DevTools), applied to the page and its workers. 1 = off. */
  readonly cpuThrottle?: number;
}): Promise<SessionResult> {
  const context = await chromium.launchPersistentContext(options.profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--enable-unsafe-webgpu'],
  });
  try {
    // tsx (esbuild keepNames) wraps named functions in `__name(…)`; the page has no such helper.
    await context.addInitScript('globalThis.__name = (f) => f;');
    const page = context.pages()[0] ?? (await context.newPage());
    const bytesBefore = options.bytesSent();
    if ((options.cpuThrottle ?? 1) > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: options.cpuThrottle! });
    }
    await page.goto(options.pageUrl);
    const result = await page.evaluate(
      async ({ modelsUrl, endpoint, rung, plans, repeats, warmup, maxTokens }) => {
        type Event = {
          type: string;
          text?: string;
          decision?: { path: 'local' | 'edge' };
          timings?: { prefillMs: number; gateMs: number; tokensPerSecond: number | null };
          error?: { code: string };
        };
        const client = window.riskgateHarness.createRouterClient();
        const gpu = (
          navigator as unknown as {
            gpu?: { requestAdapter(): Promise<{ info?: { vendor: string; architecture: string } } | null> };
          }
        ).gpu;
        const adapterInfo = gpu ? (await gpu.requestAdapter())?.info : undefined;
        const gpuAdapter = adapterInfo ? `${adapterInfo.vendor}/${adapterInfo.architecture}` : null;
        try {
          await client.init({ modelsUrl, backend: rung.backend, threads: rung.threads });
        } catch (error) {
          return {
            gpuAdapter,
            pageToReadyMs: NaN,
            pageToFirstTokenMs: null,
            jsHeapBytes: null,
            samples: [],
            initError: (error as { code?: string }).code ?? 'init_failed',
          };
        }
        const pageToReadyMs = performance.now(); // from navigation start
        const routeOnce = async (messages: unknown, costWeight: number, riskLevel: number, mode: string) => {
          const started = performance.now();
          let first: number | null = null;
          let path: 'local' | 'edge' | null = null;
          let timings: Event['timings'];
          let error: string | null = null;
          await client
            .route(
              { messages: messages as never, costWeight, riskLevel, mode: mode as never, endpoint, maxTokens },
              (e: Event) => {
                if (e.type === 'decision') path = e.decision!.path;
                if (e.type === 'token' && first === null) first = performance.now();
                if (e.type === 'done') timings = e.timings;
                if (e.type === 'error') error = e.error!.code;
              },
            )
            .catch((e: { code?: string }) => {
              error = e.code ?? 'route_failed';
            });
          return { path, first, started, timings, error, ended: performance.now() };
        };
        // Warm-up prompts are not samples; the first one gives page load → first token.
        let pageToFirstTokenMs: number | null = null;
        for (let i = 0; i < warmup; i++) {
          const plan = plans[0]!;
          const r = await routeOnce(plan.conversations[0], plan.costWeight, plan.riskLevel, 'local');
          if (i === 0) pageToFirstTokenMs = r.first;
        }
        const samples = [];
        for (const [index, plan] of plans.entries()) {
          for (let rep = 0; rep < repeats; rep++) {
            for (const messages of plan.conversations) {
              const r = await routeOnce(messages, plan.costWeight, plan.riskLevel, plan.path);
              const t = r.timings as Event['timings'];
              samples.push({
                plan: index,
                path: r.path,
                prefillMs: t?.prefillMs ?? NaN,
                gateMs: t?.gateMs ?? NaN,
                ttftMs: r.first === null ? null : r.first - r.started,
                tokensPerSecond: t?.tokensPerSecond ?? null,
                answerMs: r.ended - r.started,
                error: r.error,
              });
            }
          }
        }
        client.terminate();
        const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
        return {
          gpuAdapter,
          pageToReadyMs,
          pageToFirstTokenMs,
          jsHeapBytes: memory?.usedJSHeapSize ?? null,
          samples,
          initError: null,
        };
      },
      {
        modelsUrl: options.modelsUrl,
        endpoint: options.endpoint,
        rung: options.rung,
        plans: options.plans,
        repeats: options.repeats,
        warmup: options.warmup,
        maxTokens: options.maxTokens,
      },
    );
    const swiftshader = result.gpuAdapter?.includes('swiftshader') ?? false;
    const adapter =
      options.rung.backend === 'webgpu'
        ? `webgpu (${swiftshader ? 'SwiftShader-CPU' : (result.gpuAdapter ?? 'no adapter')})`
        : `wasm (${options.rung.threads} thread${options.rung.threads > 1 ? 's' : ''})`;
    return {
      ...result,
      adapter,
      chromium: context.browser()?.version() ?? 'unknown',
      bytes: options.bytesSent() - bytesBefore,
    };
  } finally {
    await context.close();
  }
}
