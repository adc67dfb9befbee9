import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { seededPermutation } from '../core/data/split.js';
import { createNodeEngine } from '../node/local-model.js';
import { importRouteLlm } from '../cli/data/routellm.js';
import { importRouterBench } from '../cli/data/routerbench.js';
import { SHARED_DIR } from '../node/paths.js';
import type { Prefill } from '../core/protocol/local-engine.js';

// Decision 007: the evaluation's hidden-state representation is computed in Node; the browser gate
// reads the same thing. A seeded sample of real dataset prompts, including prompts longer than the
// 512-token window (left-truncated the same way on both sides), must agree within 1e-4.
const data = resolve(SHARED_DIR, 'data');
const routellm = importRouteLlm(data);
const sample = seededPermutation(routellm.length, 7)
  .slice(0, 5)
  .map((i) => routellm[i]!.prompt);
const longest = routellm.reduce((a, b) => (b.prompt.length > a.prompt.length ? b : a)).prompt;
const fiveShot = importRouterBench(resolve(data, 'routerbench/arc_challenge_train.csv'))[0]!.prompt;
const prompts = [...sample, longest, fiveShot];

test('the worker (WASM EP) and Node give the same prefill hidden state on dataset prompts, long ones included', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const engine = await createNodeEngine();
  const node: Prefill[] = [];
  for (const prompt of prompts) node.push(await engine.prefill([{ role: 'user', content: prompt }]));
  expect(node.filter((p) => p.truncatedTokens > 0).length).toBeGreaterThanOrEqual(2);

  await page.goto('/e2e/harness.html');
  const browser = await page.evaluate(async (prompts) => {
    const client = window.riskgateHarness.createRouterClient();
    await client.init({ modelsUrl: new URL('/models/', location.href).href, backend: 'wasm' });
    const out: number[][] = [];
    for (const prompt of prompts)
      out.push(Array.from((await client.tooling.generateLocal([{ role: 'user', content: prompt }], 1)).hiddenState));
    client.terminate();
    return out;
  }, prompts);
  browser.forEach((hidden, k) => {
    const worst = Math.max(...hidden.map((v, i) => Math.abs(v - node[k]!.hiddenState[i]!)));
    expect(worst, `prompt ${k}`).toBeLessThan(1e-4);
  });
});
