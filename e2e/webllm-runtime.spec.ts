import { expect, test } from '@playwright/test';
import { chromium, type BrowserContext } from 'playwright-core';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCountSketch, createCountSketch, LOGIT_SKETCH_SEED } from '../core/representation/count-sketch.js';
import { CHROMIUM_ARGS } from '../playwright.config.js';
import { KIT_LIBS, QWEN2, TINYLLAMA, startWebLlmSite, type WebLlmSite } from './webllm/webllm-site.js';

// The WebLLM engine on the real web-llm runtime (0.2.79, WebGPU on SwiftShader), with real compiled
// model libraries and random weights (issue 13). The prompt "w10 w11 w12 w13" in the kit's
// template is [bos, system w3, user w4, w10…w13, assistant w5].
const PROMPT = 'w10 w11 w12 w13';
const PROMPT_TOKENS = [1, 3, 4, 10, 11, 12, 13, 5];

test.describe.configure({ mode: 'serial', timeout: 15 * 60_000 });
test.skip(!existsSync(KIT_LIBS), '../shared/webllm-kit/libs is not beside the repository');

type Probe = { prefillTokens: number[][]; prefillLogits: number[][] };
type RouteRun = {
  status: {
    engine: { kind: string; representation: string; representationNote: string; model: string } | null;
    rung: string;
  };
  events: {
    type: string;
    text?: string;
    decision?: { score: number; path: string; reason: string };
    usage?: { promptTokens: number; completionTokens: number };
    error?: { code: string; message: string };
  }[];
  probe: Probe;
};

async function routeOnce(site: WebLlmSite): Promise<{ run: RouteRun; context: BrowserContext }> {
  // A persistent profile: web-llm keeps the weights in the Cache API, which an ephemeral profile caps.
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'riskgate-webllm-')), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  await context.addInitScript('globalThis.__name = (f) => f;');
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${site.url}/e2e/harness.html`);
  const run = await page.evaluate(async (prompt) => {
    const client = window.riskgateHarness.createRouterClient();
    (window as unknown as { client: unknown }).client = client;
    // A seeded random stand-in gate (webllm-site.ts): the runtime is under test, not the labels.
    const status = await client.init({
      modelsUrl: new URL('/models/', location.href).href,
      backend: 'auto',
      gateLabels: 'any',
    });
    const events: unknown[] = [];
    await client.route(
      {
        messages: [{ role: 'user', content: prompt }],
        costWeight: 0.5,
        riskLevel: 0.1,
        mode: 'local',
        endpoint: 'http://127.0.0.1:9/',
        maxTokens: 2,
      },
      (e) => {
        events.push(e);
      },
    );
    const channel = new BroadcastChannel('riskgate-webllm-probe');
    const probe = await new Promise((resolve) => {
      channel.onmessage = (e) => resolve(e.data);
      channel.postMessage('report');
    });
    channel.close();
    return { status: { engine: status.engine, rung: status.capabilities.rung }, events, probe };
  }, PROMPT);
  return { run: run as RouteRun, context };
}

test('Qwen2-0.5B q4f32_1 (logits only): the logit-sketch path on the real runtime', async () => {
  const site = await startWebLlmSite(QWEN2, (line) => console.log(line));
  try {
    const { run, context } = await routeOnce(site);
    try {
      expect(run.status.rung).toBe('webllm-webgpu');
      expect(run.status.engine).toMatchObject({ kind: 'webllm', model: QWEN2.id, representation: 'logit_sketch' });
      expect(run.status.engine!.representationNote).toBe(
        'the model library does not compile prefill_to_last_hidden_states (not a Llama-architecture library)',
      );
      const error = run.events.find((e) => e.type === 'error');
      expect(error, JSON.stringify(error)).toBeUndefined();
      const decision = run.events.find((e) => e.type === 'decision')!.decision!;
      expect(decision).toMatchObject({ path: 'local', reason: 'forced' });
      // web-llm saw exactly the prompt's tokens, once.
      expect(run.probe.prefillTokens).toEqual([PROMPT_TOKENS]);
      const logits = run.probe.prefillLogits[0]!;
      expect(logits).toHaveLength(151_936);
      // The decision's score is the gate on the count-sketch of web-llm's own prefill logits.
      const sketch = applyCountSketch(createCountSketch(logits.length, 64, LOGIT_SKETCH_SEED), logits);
      const page = context.pages()[0]!;
      const gateOnIndependent = await page.evaluate(
        async (v) =>
          (
            window as unknown as { client: { tooling: { gateScore(r: Float32Array, l: number): Promise<number> } } }
          ).client.tooling.gateScore(Float32Array.from(v), 0.5),
        Array.from(sketch),
      );
      expect(decision.score).toBe(gateOnIndependent);
      // Two tokens streamed, and the usage counts the real prompt.
      const done = run.events.find((e) => e.type === 'done')!;
      // The tokens this generator's weights give (deterministic; not the Python kit's: another RNG).
      expect(run.events.filter((e) => e.type === 'token').map((e) => e.text)).toEqual(['w44316', ' w44316']);
      console.log(
        `qwen2-rand on SwiftShader-CPU: prefill ${Math.round((done as { timings?: { prefillMs: number } }).timings!.prefillMs)} ms`,
      );
      expect(done.usage).toEqual({ promptTokens: PROMPT_TOKENS.length, completionTokens: 2 });
    } finally {
      await context.close();
    }
  } finally {
    await site.close();
  }
});

test('TinyLlama-1.1B q0f32 (hidden-state functions): the pipeline tap on the real runtime', async () => {
  test.skip(
    process.env.RISKGATE_WEBLLM_TINYLLAMA !== '1',
    'set RISKGATE_WEBLLM_TINYLLAMA=1 to run it: 3.9 GB of weights and minutes on SwiftShader',
  );
  const site = await startWebLlmSite(TINYLLAMA, (line) => console.log(line));
  try {
    const { run, context } = await routeOnce(site);
    try {
      expect(run.status.engine).toMatchObject({ kind: 'webllm', representation: 'hidden_state_last' });
      expect(run.status.engine!.representationNote).toMatch(/pipeline tap/);
      expect(run.events.find((e) => e.type === 'error')).toBeUndefined();
      expect(run.probe.prefillTokens).toEqual([PROMPT_TOKENS]);
      const done = run.events.find((e) => e.type === 'done')!;
      expect(done.usage).toEqual({ promptTokens: PROMPT_TOKENS.length, completionTokens: 2 });
      // The tap's hidden state equals an independent computation: the gate on that one gives the
      // decision's score exactly, and get_logits on it gives what web-llm sampled from.
      const page = context.pages()[0]!;
      const checked = await page.evaluate(async () => {
        const channel = new BroadcastChannel('riskgate-webllm-probe');
        const reply = await new Promise<{
          independent: { hidden?: number[]; maxAbsGetLogitsVsProcessLogits?: number; unavailable?: string };
        }>((resolve) => {
          channel.onmessage = (e) => {
            if (e.data.independent) resolve(e.data);
          };
          channel.postMessage('independent');
        });
        channel.close();
        const independent = reply.independent;
        const client = (
          window as unknown as { client: { tooling: { gateScore(r: Float32Array, l: number): Promise<number> } } }
        ).client;
        return {
          ...independent,
          hidden: independent.hidden?.length,
          score: independent.hidden ? await client.tooling.gateScore(Float32Array.from(independent.hidden), 0.5) : null,
        };
      });
      console.log('tinyllama independent check', JSON.stringify(checked));
      expect(checked.unavailable).toBeUndefined();
      expect(checked.hidden).toBe(TINYLLAMA.hiddenSize);
      expect(checked.maxAbsGetLogitsVsProcessLogits).toBe(0);
      expect(checked.score).toBe(run.events.find((e) => e.type === 'decision')!.decision!.score);
    } finally {
      await context.close();
    }
  } finally {
    await site.close();
  }
});
