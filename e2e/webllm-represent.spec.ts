import { expect, test } from '@playwright/test';
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../node/chromium.js';
import { REPO_ROOT } from '../node/paths.js';
import { fromJsonThreshold, type JsonThreshold } from '../core/calibration/threshold-table.js';
import { readRepresentationsFile } from '../cli/representations/representation-file.js';
import { KIT_LIBS, QWEN2, kitModelEntry, startWebLlmSite } from './webllm/webllm-site.js';

// Issue 13: a gate for a model the site declares, trained from the browser. The site owner's
// models.json names Qwen2 (random weights, logits only) without a gate; `riskgate represent` reads
// the prompts through the widget's worker on the real web-llm runtime; `train` and `calibrate`
// write the gate and declare it; the widget then routes with it. Every Qwen2 prefill takes about
// a minute on SwiftShader, so the dataset is five prompts (three, then two more: the cache).
test.describe.configure({ mode: 'serial', timeout: 25 * 60_000 });
test.skip(!existsSync(KIT_LIBS), '../shared/webllm-kit/libs is not beside the repository');

const PROMPTS = ['w10 w11 w12 w13', 'w20 w21 w22', 'w7 w8 w9 w30 w31', 'w40 w41', 'w50 w51 w52 w53 w54 w55'];
const row = (question: string, i: number) =>
  JSON.stringify({ question, scores: { small: ((i * 37) % 10) / 10, large: ((i * 53) % 10) / 10 } });

function riskgate(args: string[]): Promise<{ code: number; output: string }> {
  // Asynchronous: the site the CLI reads is served from this very process.
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'cli/main.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, CI: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d;
    });
    child.on('close', (code) => {
      console.log(output);
      resolve({ code: code ?? 1, output });
    });
  });
}

test('represent → train → calibrate → route: a gate for a declared WebLLM model (Qwen2 on the real runtime)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-represent-'));
  const modelsDir = join(dir, 'models');
  mkdirSync(modelsDir);
  writeFileSync(
    join(modelsDir, 'models.json'),
    JSON.stringify({ format: 'riskgate.models/1', webllm: kitModelEntry(QWEN2) }),
  );
  writeFileSync(join(dir, 'first3.jsonl'), PROMPTS.slice(0, 3).map(row).join('\n'));
  writeFileSync(join(dir, 'all.jsonl'), PROMPTS.map(row).join('\n'));
  writeFileSync(join(dir, 'roles.json'), JSON.stringify({ roles: { local: 'small', edge: ['large'] } }));
  const site = await startWebLlmSite(QWEN2, (line) => console.log(line), { modelsDir });
  try {
    const represent = (data: string, out: string) =>
      riskgate([
        'represent',
        '--models-url',
        `${site.url}/models/`,
        '--data',
        join(dir, data),
        '--config',
        join(dir, 'roles.json'),
        '--out',
        join(dir, out),
        '--widget',
        site.buildDir,
        '--port',
        '0',
        '--profile',
        join(dir, 'profile'),
        '--cache',
        join(dir, 'cache'),
        '--sketch-dim',
        '64',
      ]);
    const first = await represent('first3.jsonl', 'first3.rep');
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('qwen2-rand on webllm-webgpu gives logit_sketch (64-d)');
    expect(first.output).toContain('0 prompts cached');
    // A second dataset sharing three prompts reads only the two new ones.
    const second = await represent('all.jsonl', 'all.rep');
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain('3 prompts cached');
    expect(second.output).toContain('2 to read');
    // All cached: no browser at all.
    const third = await represent('all.jsonl', 'all-again.rep');
    expect(third.output).toContain('the browser was not started');
    expect(readFileSync(join(dir, 'all-again.rep'))).toEqual(readFileSync(join(dir, 'all.rep')));

    const file = readRepresentationsFile(join(dir, 'all.rep'));
    expect(file.header.representation).toMatchObject({
      modelId: 'qwen2-rand+count-sketch(seed 1)',
      kind: 'logit_sketch',
      dim: 64,
    });
    expect(file.header.prompt_sha256).toHaveLength(5);
    expect(Array.from(readRepresentationsFile(join(dir, 'first3.rep')).byPrompt(PROMPTS[1]!)!)).toEqual(
      Array.from(file.byPrompt(PROMPTS[1]!)!),
    );

    const gatePath = join(modelsDir, 'qwen2-gate', 'gate.onnx');
    mkdirSync(join(modelsDir, 'qwen2-gate'));
    const common = [
      '--data',
      join(dir, 'all.jsonl'),
      '--config',
      join(dir, 'roles.json'),
      '--representations',
      join(dir, 'all.rep'),
    ];
    expect((await riskgate(['train', ...common, '--out', gatePath])).code).toBe(0);
    const calibrated = await riskgate([
      'calibrate',
      ...common,
      '--gate',
      gatePath,
      '--out',
      join(modelsDir, 'qwen2-gate', 'thresholds.json'),
      '--models-json',
      join(modelsDir, 'models.json'),
    ]);
    expect(calibrated.code, calibrated.output).toBe(0);
    const declared = JSON.parse(readFileSync(join(modelsDir, 'models.json'), 'utf8')) as {
      webllm: Record<string, unknown>;
    };
    const gateSha256 = createHash('sha256').update(readFileSync(gatePath)).digest('hex');
    expect(declared.webllm).toMatchObject({
      ...kitModelEntry(QWEN2),
      gate: { onnx: 'qwen2-gate/gate.onnx', sha256: gateSha256 },
      thresholds: { json: 'qwen2-gate/thresholds.json' },
    });

    // The widget routes with the new gate: the decision's score is the gate on the very vector
    // `represent` stored for this prompt, and the path follows τ from the new thresholds.
    const context = await chromium.launchPersistentContext(join(dir, 'route-profile'), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      await context.addInitScript('globalThis.__name = (f) => f;');
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${site.url}/e2e/harness.html`);
      const stored = Array.from(file.byPrompt(PROMPTS[3]!)!);
      const run = await page.evaluate(
        async ({ prompt, stored }) => {
          const client = window.riskgateHarness.createRouterClient();
          // This gate was trained on the recorded outcomes in all.jsonl, not on qwen2-rand's own answers:
          // evaluated as a stand-in (gateLabels 'any'), as `riskgate fit` would be for a real deployment.
          const status = await client.init({ modelsUrl: new URL('/models/', location.href).href, gateLabels: 'any' });
          let decision: { score: number; threshold: number; path: string; reason: string } | undefined;
          await client.route(
            {
              messages: [{ role: 'user', content: prompt }],
              costWeight: 0.5,
              riskLevel: 0.2,
              mode: 'auto',
              endpoint: 'http://127.0.0.1:9/',
              maxTokens: 1,
            },
            (e) => {
              if (e.type === 'decision') decision = e.decision;
            },
          );
          const onStored = await client.tooling.gateScore(Float32Array.from(stored), 0.5);
          return {
            rung: status.capabilities.rung,
            model: status.engine?.model,
            gateSha256: status.gateSha256,
            decision: decision!,
            onStored,
          };
        },
        { prompt: PROMPTS[3]!, stored },
      );
      expect(run).toMatchObject({ rung: 'webllm-webgpu', model: 'qwen2-rand', gateSha256 });
      expect(run.decision.reason).toBe('gate');
      expect(run.decision.score).toBe(run.onStored);
      const thresholds = JSON.parse(readFileSync(join(modelsDir, 'qwen2-gate', 'thresholds.json'), 'utf8')) as {
        rows: { cost_weight: number; risk_level: number; threshold: JsonThreshold }[];
      };
      const tau = thresholds.rows.find((r) => r.cost_weight === 0.5 && r.risk_level === 0.2)!.threshold;
      console.log(`route with the new gate: score ${run.decision.score}, τ ${String(tau)} → ${run.decision.path}`);
      expect(run.decision.threshold).toBe(fromJsonThreshold(tau as JsonThreshold));
      expect(run.decision.path).toBe(run.decision.score >= run.decision.threshold ? 'local' : 'edge');
    } finally {
      await context.close();
    }
  } finally {
    await site.close();
  }
});
