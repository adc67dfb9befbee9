import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seededPermutation } from '../core/data/split.js';
import { importRouteLlm } from '../cli/data/routellm.js';
import { readRepresentationsFile } from '../cli/representations/representation-file.js';
import { createNodeEngine } from '../node/local-model.js';
import { REPO_ROOT, SHARED_DIR } from '../node/paths.js';
import { E2E_APP_PORT } from '../playwright.config.js';

// `riskgate represent` on the embedded ONNX model (issue 13): the CLI drives the built widget's
// worker in Chromium against the deployed models folder, and stores what Node's own pass (which
// trained the shipped gate) computes, within 1e-4, long prompts read from their end the same way.
const routellm = importRouteLlm(resolve(SHARED_DIR, 'data'));
const longest = routellm.reduce((a, b) => (b.prompt.length > a.prompt.length ? b : a)).prompt;
const prompts = [
  ...seededPermutation(routellm.length, 11)
    .slice(0, 7)
    .map((i) => routellm[i]!.prompt),
  longest,
];

function riskgate(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn('npx', ['tsx', 'cli/main.ts', ...args], { cwd: REPO_ROOT });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d;
    });
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

test('represent reads the deployed model in the browser as Node reads it', async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-represent-onnx-'));
  writeFileSync(
    join(dir, 'data.jsonl'),
    prompts.map((question, i) => JSON.stringify({ question, scores: { small: i % 2, large: 0.5 } })).join('\n'),
  );
  writeFileSync(join(dir, 'roles.json'), JSON.stringify({ roles: { local: 'small', edge: ['large'] } }));
  const run = await riskgate([
    'represent',
    '--models-url',
    `http://localhost:${E2E_APP_PORT}/models/`,
    '--data',
    join(dir, 'data.jsonl'),
    '--config',
    join(dir, 'roles.json'),
    '--out',
    join(dir, 'r.rep'),
    '--port',
    '0',
    '--cache',
    join(dir, 'cache'),
    '--backend',
    'wasm',
  ]);
  expect(run.code, run.output).toBe(0);
  expect(run.output).toContain('stories260K on onnx-wasm gives hidden_state_last (64-d)');
  expect(run.output).toMatch(/[1-9]\d* prompts were longer than the model's window/);
  const file = readRepresentationsFile(join(dir, 'r.rep'));
  expect(file.header.representation).toMatchObject({ modelId: 'stories260K', kind: 'hidden_state_last', dim: 64 });

  const engine = await createNodeEngine();
  for (const [k, prompt] of prompts.entries()) {
    const node = (await engine.prefill([{ role: 'user', content: prompt }])).hiddenState;
    engine.reset();
    const browser = file.byPrompt(prompt)!;
    expect(Math.max(...Array.from(browser, (v, i) => Math.abs(v - node[i]!))), `prompt ${k}`).toBeLessThan(1e-4);
  }
});

test('represent says what is wrong with a models URL, a busy port or a missing build', async () => {
  const bad = await riskgate([
    'represent',
    '--models-url',
    `http://localhost:${E2E_APP_PORT}/nothing-here/`,
    '--out',
    '/tmp/x.rep',
  ]);
  expect(bad.code).toBe(2);
  expect(bad.output).toContain('riskgate represent: invalid_request:');
  expect(bad.output).toContain('neither a models.json declaring a WebLLM model nor a manifest.json');
  const busy = await riskgate([
    'represent',
    '--models-url',
    `http://localhost:${E2E_APP_PORT}/models/`,
    '--out',
    '/tmp/x.rep',
    '--port',
    String(E2E_APP_PORT),
  ]);
  expect(busy.output).toContain(`port ${E2E_APP_PORT} is taken`);
  const noBuild = await riskgate([
    'represent',
    '--models-url',
    `http://localhost:${E2E_APP_PORT}/models/`,
    '--out',
    '/tmp/x.rep',
    '--widget',
    tmpdir(),
  ]);
  expect(noBuild.output).toContain('holds no built widget');
});
