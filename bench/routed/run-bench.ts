/**
 * @module bench/routed/run-bench
 * `npm run bench`: the matrix (rungs × cold/warm loads, each a fresh browser; in each, operating
 * points × paths × prompt sets), the native references (the same model in Node; the proxy vs its
 * upstream called directly), assembled into a `riskgate-bench/1` results object.
 */
import { execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { startStaticServer } from '../../node/static-server.js';
import { startProxy } from '../../edge-proxy/server.js';
import {
  BENCH_SCHEMA,
  type BenchResults,
  type PageSession,
  type RouteConfiguration,
  type RouteMetric,
} from '../../core/bench/results-schema.js';
import { summarizeEach } from '../../core/bench/stats.js';
import type { PromptSet } from '../../core/bench/prompt-sets.js';
import { REPO_ROOT } from '../../node/paths.js';
import { runBrowserSession, type RoutePlan, type Rung } from './browser-session.js';
import { measureNative } from './native-reference.js';

export type BenchOptions = {
  readonly rungs: readonly Rung[];
  readonly points: readonly { readonly costWeight: number; readonly riskLevel: number }[];
  readonly paths: readonly ('auto' | 'local' | 'edge')[];
  readonly sets: readonly PromptSet[];
  readonly loads: readonly ('cold' | 'warm')[];
  readonly repeats: number;
  readonly warmup: number;
  readonly maxTokens: number;
  readonly command: string;
  /** Chromium CPU throttling rate (1 = off): a slower device, or an injected slowdown. */
  readonly cpuThrottle?: number;
  readonly log?: (line: string) => void;
};

function chromiumVersion(): string {
  const out = spawnSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' });
  return out.stdout?.trim() || 'unknown';
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? (() => undefined);
  const loadStart = loadavg();
  const site = await startStaticServer({ port: 0, pages: true });
  const origin = new URL(site.url).origin;
  const proxy = await startProxy(0, { config: { cors_origins: [origin], rate_limit_per_minute: 1_000_000 } });
  const plans: RoutePlan[] = options.points.flatMap((p) =>
    options.paths.flatMap((path) =>
      options.sets.map((s) => ({
        costWeight: p.costWeight,
        riskLevel: p.riskLevel,
        path,
        set: `${s.name}@${s.version}`,
        conversations: s.conversations,
      })),
    ),
  );
  const configurations: RouteConfiguration[] = [];
  const sessions: PageSession[] = [];
  let gpuAdapter: string | null = null;
  try {
    for (const rung of options.rungs) {
      const profileDir = mkdtempSync(join(tmpdir(), 'riskgate-bench-profile-'));
      try {
        for (const load of options.loads) {
          // Warm = the same profile again in a new browser (only meaningful after a cold session).
          const routes = plans.reduce((n, p) => n + p.conversations.length, 0) * options.repeats;
          log(`${rung.name} ${load}: ${plans.length} route configurations, ${routes} prompts`);
          const t0 = performance.now();
          const session = await runBrowserSession({
            profileDir,
            pageUrl: `${origin}/e2e/harness.html`,
            modelsUrl: `${origin}/models/`,
            endpoint: proxy.url,
            rung,
            plans,
            repeats: options.repeats,
            warmup: options.warmup,
            maxTokens: options.maxTokens,
            bytesSent: site.bytesSent,
            cpuThrottle: options.cpuThrottle ?? 1,
          });
          gpuAdapter ??= session.gpuAdapter;
          log(`${rung.name} ${load}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
          const pageSamples = {
            page_to_ready_ms: [session.pageToReadyMs],
            bytes_transferred: [session.bytes],
            ...(session.pageToFirstTokenMs !== null ? { page_to_first_token_ms: [session.pageToFirstTokenMs] } : {}),
            ...(session.jsHeapBytes !== null ? { js_heap_bytes: [session.jsHeapBytes] } : {}),
          };
          sessions.push({
            rung: rung.name,
            adapter: session.adapter,
            load,
            samples: pageSamples,
            summary: summarizeEach(pageSamples),
          });
          for (const [index, plan] of plans.entries()) {
            const routes = session.samples.filter((s) => s.plan === index);
            const ok = routes.filter((s) => s.error === null);
            const errors: Record<string, number> = {};
            for (const s of routes) if (s.error !== null) errors[s.error] = (errors[s.error] ?? 0) + 1;
            if (session.initError) errors[session.initError] = (errors[session.initError] ?? 0) + 1;
            const local = ok.filter((s) => s.path === 'local');
            const edge = ok.filter((s) => s.path === 'edge');
            const samples: Partial<Record<RouteMetric, number[]>> = {
              prefill_ms: ok.map((s) => s.prefillMs),
              gate_ms: ok.map((s) => s.gateMs),
              ttft_ms: ok.flatMap((s) => (s.ttftMs === null ? [] : [s.ttftMs])),
              ttft_local_ms: local.flatMap((s) => (s.ttftMs === null ? [] : [s.ttftMs])),
              ttft_edge_ms: edge.flatMap((s) => (s.ttftMs === null ? [] : [s.ttftMs])),
              decode_tokens_per_s: local.flatMap((s) => (s.tokensPerSecond === null ? [] : [s.tokensPerSecond])),
              answer_ms: ok.map((s) => s.answerMs),
              // The local prefill and gate a deferred prompt paid for nothing (the edge answered it).
              wasted_prefill_ms: edge.map((s) => s.prefillMs + s.gateMs),
            };
            for (const k of Object.keys(samples) as RouteMetric[])
              if (samples[k]!.filter(Number.isFinite).length === 0) delete samples[k];
            const point = { cost_weight: plan.costWeight, risk_level: plan.riskLevel };
            configurations.push({
              id: `${rung.name}/${load}/λ${plan.costWeight}-α${plan.riskLevel}/${plan.path}/${plan.set}`,
              rung: rung.name,
              adapter: session.adapter,
              load,
              point,
              path: plan.path,
              prompt_set: plan.set,
              prompts: plan.conversations.length,
              deferral_rate: ok.length ? +(edge.length / ok.length).toFixed(4) : null,
              errors,
              samples,
              summary: summarizeEach(samples),
            });
          }
        }
      } finally {
        rmSync(profileDir, { recursive: true, force: true });
      }
    }
    log('native references: the model in Node, the proxy vs its upstream');
    const native = await measureNative({
      sets: options.sets,
      repeats: Math.max(options.repeats, 3),
      maxTokens: options.maxTokens,
      proxyUrl: proxy.url,
    });
    const commit = (() => {
      try {
        return execSync('git rev-parse --short HEAD', { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    })();
    return {
      schema: BENCH_SCHEMA,
      created: new Date().toISOString(),
      command: options.command,
      commit,
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memory_bytes: totalmem(),
        os: `${type()} ${release()}`,
        node: process.version,
        chromium: chromiumVersion(),
        gpu_adapter: gpuAdapter,
        load_average_start: loadStart,
        load_average_end: loadavg(),
      },
      matrix: {
        rungs: options.rungs.map((r) => r.name),
        points: options.points.map((p) => ({ cost_weight: p.costWeight, risk_level: p.riskLevel })),
        paths: [...options.paths],
        prompt_sets: options.sets.map((s) => `${s.name}@${s.version}`),
        loads: [...options.loads],
        repeats: options.repeats,
        warmup: options.warmup,
        max_tokens: options.maxTokens,
      },
      configurations,
      sessions,
      native,
    };
  } finally {
    await proxy.close();
    await site.close();
  }
}
