/**
 * @module bench/gguf
 * Part of `npm run bench` (issue 23): the same GGUF file (TinyLlama-1.1B-Chat IQ2_XXS) and the
 * same prompts, in headless Chromium through the built widget's router worker (llama.cpp in
 * WebAssembly: N threads on a cross-origin isolated site, 1 thread without COOP/COEP) and natively
 * (node-llama-cpp, 1 and N threads), in one run: load, prefill and decode tok/s, first token, and
 * page load → first local token cold (a new profile: the 323 MB download) and warm (the browser
 * restarted: the file from the Cache API). Prints a table and writes bench-results/gguf.json.
 * Skips, saying how to fetch it, when the model is not fetched.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { GGUF_FOLDER, ggufFetched, ggufSite, TINYLLAMA } from '../testing/gguf-site.js';
import { hostPage } from '../testing/deploy-servers.js';
import { fetchModelFile } from '../node/models/model-files.js';
import { loadLlamaCppModel } from '../node/llama-cpp-engine.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../node/chromium.js';
import { REPO_ROOT } from '../node/paths.js';

/** Chat questions (TinyLlama is a chat model); each a fresh conversation, as a visitor's first message. */
const PROMPTS = [
  'What is the capital of France?',
  'Explain in two sentences why the sky is blue.',
  'Write a haiku about autumn leaves.',
];
const MAX_TOKENS = Number(process.env.BENCH_TOKENS ?? 32);
const N = cpus().length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** firstTokenMs from the request; decodeMs from the end of the prefill (and gate) to the last token; firstGapMs its first token's share. */
type Run = {
  promptTokens: number;
  prefillMs: number;
  firstTokenMs: number;
  decodeTokens: number;
  decodeMs: number;
  firstGapMs: number;
};
type Row = {
  engine: string;
  threads: number;
  load_ms: number;
  prompt_tokens_median: number;
  prefill_tokens_per_s: number;
  first_token_ms_median: number;
  decode_tokens_per_s: number;
};

const summarise = (engine: string, threads: number, loadMs: number, runs: Run[]): Row => ({
  engine,
  threads,
  load_ms: Math.round(loadMs),
  prompt_tokens_median: median(runs.map((r) => r.promptTokens)),
  prefill_tokens_per_s: +median(runs.map((r) => r.promptTokens / (r.prefillMs / 1000))).toFixed(1),
  first_token_ms_median: Math.round(median(runs.map((r) => r.firstTokenMs))),
  // Decode from the second token on: the first is sampled from the prefill's own logits.
  decode_tokens_per_s: +median(runs.map((r) => (r.decodeTokens - 1) / ((r.decodeMs - r.firstGapMs) / 1000))).toFixed(2),
});

async function native(threads: number): Promise<Row> {
  const t0 = performance.now();
  const loaded = await loadLlamaCppModel({
    modelPath: await fetchModelFile(TINYLLAMA),
    modelId: TINYLLAMA.modelId,
    contextLength: TINYLLAMA.contextLength,
    threads,
  });
  const engine = await loaded.createEngine();
  const loadMs = performance.now() - t0;
  const runs: Run[] = [];
  for (const content of PROMPTS) {
    const start = performance.now();
    const prefill = await engine.prefill([{ role: 'user', content }]);
    let first = NaN;
    let tokens = 0;
    const decodeStart = performance.now();
    let gap = NaN;
    for await (const _token of engine.decode({ maxTokens: MAX_TOKENS })) {
      if (tokens++ > 0) continue;
      first = performance.now() - start;
      gap = performance.now() - decodeStart;
    }
    runs.push({
      promptTokens: prefill.tokenCount - prefill.reusedTokens,
      prefillMs: prefill.prefillMs,
      firstTokenMs: first,
      decodeTokens: tokens,
      decodeMs: performance.now() - decodeStart,
      firstGapMs: gap,
    });
  }
  await engine.dispose();
  await loaded.dispose();
  return summarise('native llama.cpp (node-llama-cpp)', threads, loadMs, runs);
}

/** In the page: the router worker on the GGUF rung, each prompt routed to the device. */
const browserRuns = (page: Page, modelsUrl: string) =>
  page.evaluate(
    async ({ modelsUrl, prompts, maxTokens }) => {
      const t0 = performance.now();
      const client = window.riskgateHarness.createRouterClient();
      const status = await client.init({ modelsUrl });
      const loadMs = performance.now() - t0;
      const runs: {
        promptTokens: number;
        prefillMs: number;
        firstTokenMs: number;
        decodeTokens: number;
        decodeMs: number;
        firstGapMs: number;
      }[] = [];
      for (const content of prompts) {
        await client.route(
          {
            messages: [{ role: 'user', content }],
            costWeight: 0.5,
            riskLevel: 0.1,
            mode: 'local',
            endpoint: 'http://localhost:9',
            maxTokens,
          },
          (e) => {
            if (e.type !== 'done') return;
            const t = e.timings;
            runs.push({
              promptTokens: e.usage.promptTokens - t.reusedTokens,
              prefillMs: t.prefillMs,
              firstTokenMs: t.firstTokenMs ?? NaN,
              decodeTokens: e.usage.completionTokens,
              decodeMs: t.totalMs - t.prefillMs - t.gateMs,
              firstGapMs: (t.firstTokenMs ?? NaN) - t.prefillMs - t.gateMs,
            });
          },
        );
      }
      client.terminate();
      return { loadMs, rung: status.capabilities.rung, threads: status.capabilities.wasmThreads, runs };
    },
    { modelsUrl, prompts: PROMPTS, maxTokens: MAX_TOKENS },
  );

/** Page load → first local token through the widget, as a visitor meets it. */
const pageToFirstToken = (page: Page) =>
  page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    let first = NaN;
    el.addEventListener('riskgate-token', () => {
      if (Number.isNaN(first)) first = performance.now();
    });
    await el.send('What is the capital of France?');
    return first;
  });

async function browser(isolation: boolean) {
  const site = await ggufSite({
    isolation,
    pages: {
      'shop/chat.html': hostPage(
        `/${GGUF_FOLDER}/riskgate-chat.js`,
        'endpoint="http://localhost:9" mode="local" max-tokens="4"',
      ),
    },
  });
  const profile = mkdtempSync(join(tmpdir(), 'riskgate-bench-gguf-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    let context = await launch();
    let page = await context.newPage();
    await page.goto(`${site.server.url.replace(/\/$/, '')}/shop/chat.html`);
    const cold = await pageToFirstToken(page);
    await page.goto(`${site.base}e2e/harness.html`);
    const measured = await browserRuns(page, site.modelsUrl);
    await context.close();
    if (measured.rung !== 'gguf-wasm') throw new Error(`the GGUF rung did not load (got ${measured.rung})`);
    context = await launch();
    page = await context.newPage();
    await page.goto(`${site.server.url.replace(/\/$/, '')}/shop/chat.html`);
    const warm = await pageToFirstToken(page);
    await context.close();
    const row = summarise(
      `browser WASM (wllama 2.3.5, ${isolation ? 'cross-origin isolated' : 'no COOP/COEP'})`,
      measured.threads,
      measured.loadMs,
      measured.runs,
    );
    return {
      row,
      pageLoad: {
        threads: measured.threads,
        cold_page_load_to_first_token_ms: Math.round(cold),
        warm_page_load_to_first_token_ms: Math.round(warm),
      },
    };
  } finally {
    rmSync(profile, { recursive: true, force: true });
    await site.close();
  }
}

if (!ggufFetched()) {
  console.log('bench-gguf: TinyLlama is not fetched, skipped (npm run riskgate -- models fetch tinyllama-1.1b-chat)');
} else {
  const started = Date.now();
  const isolated = await browser(true);
  const single = await browser(false);
  const rows = [isolated.row, single.row, await native(N), await native(1)];
  const ratio = (threads: number) => {
    const b = rows.find((r) => r.engine.startsWith('browser') && r.threads === threads);
    const n = rows.find((r) => r.engine.startsWith('native') && r.threads === threads);
    return b && n ? +(b.decode_tokens_per_s / n.decode_tokens_per_s).toFixed(3) : null;
  };
  const result = {
    schema: 'riskgate-bench-gguf/1',
    model: TINYLLAMA.modelId,
    file_bytes: TINYLLAMA.size,
    cores: N,
    prompts: PROMPTS,
    max_tokens: MAX_TOKENS,
    chromium: 'Debian headless',
    rows,
    page_load: [isolated.pageLoad, single.pageLoad],
    decode_ratio_browser_to_native: { [`${N}_threads`]: ratio(N), '1_thread': ratio(1) },
    goal_ratio: 0.8,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.table(rows);
  console.table(result.page_load);
  console.log(
    `browser ÷ native decode speed: ${N} threads ${result.decode_ratio_browser_to_native[`${N}_threads`]}, 1 thread ${result.decode_ratio_browser_to_native['1_thread']} (goal ≥ 0.8)`,
  );
  const out = resolve(REPO_ROOT, 'bench-results/gguf.json');
  mkdirSync(resolve(REPO_ROOT, 'bench-results'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
  console.log(`wrote ${out}`);
}
