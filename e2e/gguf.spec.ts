import { expect, test } from '@playwright/test';
import { ggufSite, TINYLLAMA, type GgufSite } from './gguf-site.js';

// Issue 23: a real chat model (TinyLlama-1.1B-Chat, 2-bit GGUF) on the device through llama.cpp in
// WebAssembly, on the built dist/ in a sub-folder of a plain static server.
test.describe.configure({ mode: 'serial' });
test.setTimeout(600_000);

let site: GgufSite;
test.beforeAll(async () => { site = await ggufSite({ isolation: true }); });
test.afterAll(async () => { await site?.close(); });

test('the GGUF rung loads TinyLlama from models.json and answers a plain question on the device', async ({ page }) => {
  page.on('console', (m) => console.log('page:', m.text()));
  page.on('response', (r) => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url()); });
  await page.goto(`${site.base}e2e/harness.html`);
  const result = await page.evaluate(async (modelsUrl) => {
    const client = window.riskgateHarness.createRouterClient();
    const t0 = performance.now();
    const status = await client.remote.initEngine({ modelsUrl });
    const loadMs = performance.now() - t0;
    const answer = await client.remote.generateLocal([{ role: 'user', content: 'What is the capital of France?' }], 16);
    client.terminate();
    return { skipped: status.capabilities.skipped, rung: status.capabilities.rung, threads: status.capabilities.wasmThreads, engine: status.engine, loadMs, answer: { ...answer, hiddenState: [] } };
  }, site.modelsUrl);
  console.log(JSON.stringify(result));
  expect(result.rung).toBe('gguf-wasm');
  expect(result.engine.model).toBe(TINYLLAMA.modelId);
  expect(result.answer.text).toContain('Paris');
});
