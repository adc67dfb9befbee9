/**
 * @module bench/local-browser
 * `npm run bench:browser`: drives Debian's headless Chromium through the real router worker and
 * reports, per ONNX Runtime execution provider (and WASM thread count), the median prefill time, gate time and local
 * decode tok/s over a fixed prompt set (core/bench-prompts.ts), plus page-load → ready time and
 * cold / warm page-load → first local token through the widget.
 * Prints the figures and writes bench-results/local-browser.json. WebGPU here is Dawn's
 * SwiftShader adapter on the CPU: those figures are labelled "SwiftShader-CPU".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../node/static-server.js';
import { BENCH_PROMPTS } from '../core/bench-prompts.js';
import { REPO_ROOT } from '../node/paths.js';

const PORT = 4174;
const TOKENS = Number(process.env.BENCH_TOKENS ?? 64);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const CONFIGURATIONS = [
  { backend: 'wasm', threads: 1 },
  { backend: 'wasm', threads: 2 },
  { backend: 'webgpu', threads: 1 },
] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = await startStaticServer({ port: PORT, pages: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--enable-unsafe-webgpu'],
});
const results: Record<string, unknown>[] = [];
let pageLoad: Record<string, unknown> = {};
try {
  // Each configuration in a fresh page: ORT fixes its thread count when its WASM module starts.
  for (const { backend, threads } of CONFIGURATIONS) {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${PORT}/e2e/harness.html`);
    const figures = await page.evaluate(
      async ({ backend, threads, prompts, tokens, repeats }) => {
        const t0 = performance.now();
        const client = window.riskgateHarness.createRouterClient();
        const status = await client.init({ modelsUrl: new URL('/models/', location.href).href, backend, threads });
        const readyMs = performance.now() - t0;
        const adapter =
          backend === 'webgpu'
            ? await (
                navigator as unknown as { gpu: { requestAdapter(): Promise<{ info: { architecture: string } }> } }
              ).gpu.requestAdapter()
            : undefined;
        const runs: {
          prefillMs: number;
          gateMs: number;
          tokensPerSecond: number | null;
          firstTokenMs: number | null;
          totalMs: number;
        }[] = [];
        for (let r = 0; r < repeats; r++) {
          for (const prompt of prompts) {
            await client.route(
              {
                messages: [{ role: 'user', content: prompt }],
                costWeight: 0.5,
                riskLevel: 0.1,
                mode: 'local',
                endpoint: 'http://localhost:9',
                maxTokens: tokens,
              },
              (e) => {
                if (e.type === 'done') runs.push(e.timings);
              },
            );
          }
        }
        client.terminate();
        return {
          readyMs,
          loadMs: status.loadMs,
          adapter: adapter?.info.architecture ?? null,
          runs,
          crossOriginIsolated,
          wasmThreads: status.capabilities.wasmThreads,
          rung: status.capabilities.rung,
        };
      },
      { backend, threads, prompts: BENCH_PROMPTS, tokens: TOKENS, repeats: REPEATS },
    );
    await page.close();
    if (figures.rung !== `onnx-${backend}` || (backend === 'wasm' && figures.wasmThreads !== threads)) {
      throw new Error(`asked for ${backend} with ${threads} threads, got ${figures.rung} with ${figures.wasmThreads}`);
    }
    const label =
      backend === 'webgpu'
        ? `webgpu (${figures.adapter === 'swiftshader' ? 'SwiftShader-CPU' : figures.adapter})`
        : `wasm (${threads} thread${threads > 1 ? 's' : ''})`;
    results.push({
      backend: label,
      wasm_threads: figures.wasmThreads,
      page_to_ready_ms: Math.round(figures.readyMs),
      prefill_ms_median: +median(figures.runs.map((r) => r.prefillMs)).toFixed(2),
      gate_ms_median: +median(figures.runs.map((r) => r.gateMs)).toFixed(2),
      prefill_plus_gate_ms_median: +median(figures.runs.map((r) => r.prefillMs + r.gateMs)).toFixed(2),
      first_token_ms_median: +median(figures.runs.map((r) => r.firstTokenMs ?? NaN)).toFixed(2),
      decode_tokens_per_s_median: +median(figures.runs.map((r) => r.tokensPerSecond ?? 0)).toFixed(1),
      // The whole local answer (prefill, gate, TOKENS decoded): what the manifest's runtime is chosen by.
      local_answer_ms_median: +median(figures.runs.map((r) => r.totalMs)).toFixed(1),
      runs: figures.runs.length,
      decode_tokens: TOKENS,
      cross_origin_isolated: figures.crossOriginIsolated,
    });
  }
  // Page load → first local token through the widget, cold (fresh browser cache and IndexedDB) and
  // warm (a reload: HTTP cache for the model and gate, IndexedDB for the thresholds).
  const context = await browser.newContext();
  const page = await context.newPage();
  const firstToken = async () =>
    page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.mode = 'local';
      el.maxTokens = 4;
      let first = NaN;
      document.addEventListener('riskgate-token', () => {
        if (Number.isNaN(first)) first = performance.now();
      });
      await el.send('Once upon a time');
      return { firstTokenMs: first, thresholdsSource: el.status!.thresholdsSource, rung: el.capabilities!.rung };
    });
  await page.goto(`http://localhost:${PORT}/`);
  const cold = await firstToken();
  await page.reload();
  const warm = await firstToken();
  await context.close();
  pageLoad = {
    cold_page_load_to_first_token_ms: Math.round(cold.firstTokenMs),
    warm_page_load_to_first_token_ms: Math.round(warm.firstTokenMs),
    warm_thresholds_from: warm.thresholdsSource,
    rung: cold.rung,
  };
} finally {
  await browser.close();
  await server.close();
}
console.table(results);
const fastest = [...results].sort(
  (a, b) => (a.local_answer_ms_median as number) - (b.local_answer_ms_median as number),
)[0]!;
console.log(
  `fastest local answer: ${String(fastest.backend)} (${String(fastest.local_answer_ms_median)} ms); the manifest's runtime (cli/commands/convert.ts) should name it`,
);
console.table([pageLoad]);
const out = resolve(REPO_ROOT, 'bench-results/local-browser.json');
mkdirSync(resolve(REPO_ROOT, 'bench-results'), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ chromium: 'Debian headless', fastest: fastest.backend, prompts: BENCH_PROMPTS.length, repeats: REPEATS, results, page_load: pageLoad }, null, 1)}\n`,
);
console.log(`wrote ${out}`);
