import { chromium, expect, test } from '@playwright/test';
import config from '../playwright.config.js';
import { mount, PROXY_URL, withoutIsolation } from './fixtures.js';

test('default rung: ORT on WASM (measured default); the probe is frozen and sees the page cross-origin isolated', async ({
  page,
}) => {
  const { caps, frozen, status } = await mount(page, { endpoint: PROXY_URL });
  expect(caps).toMatchObject({
    rung: 'onnx-wasm',
    crossOriginIsolated: true,
    sharedArrayBuffer: true,
    webgpu: { available: true },
  });
  expect(caps.reason).toContain('measured default');
  expect(caps.skipped).toContainEqual({ rung: 'webllm-webgpu', reason: 'no WebLLM model in the models config' });
  expect(frozen).toBe(true);
  expect(status).toContain('onnx-wasm');
});

test('a page without SharedArrayBuffer (no COOP/COEP): still the WASM rung, with one WASM thread', async ({ page }) => {
  await withoutIsolation(page);
  const { caps } = await mount(page, { endpoint: PROXY_URL });
  expect(caps).toMatchObject({
    rung: 'onnx-wasm',
    crossOriginIsolated: false,
    sharedArrayBuffer: false,
    wasmThreads: 1,
  });
});

test('backend="webgpu" with an adapter: ORT on the WebGPU EP, and the decision names that engine', async ({ page }) => {
  const { caps } = await mount(page, { endpoint: PROXY_URL, backend: 'webgpu', 'max-tokens': '2', mode: 'local' });
  expect(caps).toMatchObject({ rung: 'onnx-webgpu', reason: 'WebGPU requested' });
  const decision = await page.evaluate(
    async () => (await document.querySelector('riskgate-chat')!.send('Once upon a time')).decision,
  );
  expect(decision.engine).toEqual({ kind: 'onnx', backend: 'webgpu', model: 'stories260K' });
});

test('a browser without WebGPU: backend="webgpu" falls back to WASM and says why', async () => {
  const use = config.use!;
  const args = (use.launchOptions?.args ?? []).filter((a) => a !== '--enable-unsafe-webgpu');
  const browser = await chromium.launch({ ...use.launchOptions, args, headless: true });
  try {
    const page = await browser.newPage({ baseURL: use.baseURL! });
    const { caps, status } = await mount(page, { endpoint: PROXY_URL, backend: 'webgpu' });
    expect(caps.webgpu.available).toBe(false);
    expect(caps.rung).toBe('onnx-wasm');
    expect(caps.skipped.map((s: { rung: string }) => s.rung)).toContain('onnx-webgpu');
    expect(status).toMatch(/onnx-wasm/);
  } finally {
    await browser.close();
  }
});

test('the local model fails to load: edge-only rung, prompts still answered by the edge, local mode refused with a code', async ({
  page,
}) => {
  await page.route('**/models/stories260K/model.onnx', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
  const { caps, status } = await mount(page, { endpoint: PROXY_URL, 'max-tokens': '8' });
  expect(caps.rung).toBe('edge-only');
  expect(caps.reason).toContain('asset_unreachable');
  expect(status).toContain('edge only');
  const auto = await page.evaluate(async () => {
    const r = await document.querySelector('riskgate-chat')!.send('Once upon a time');
    return { path: r.path, engine: r.decision.engine, text: r.text };
  });
  expect(auto.path).toBe('edge');
  expect(auto.engine).toBeNull();
  expect(auto.text.length).toBeGreaterThan(0);
  const local = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    el.mode = 'local';
    try {
      await el.send('Once upon a time');
      return 'answered';
    } catch (e) {
      return (e as { code: string }).code;
    }
  });
  expect(local).toBe('engine_not_ready');
});

test('a WebLLM model in models.json is tried first with the real web-llm; when it cannot load, the ladder falls to ORT', async ({
  page,
}) => {
  // Self-hosted paths (relative to the models folder) that this server does not have: web-llm's
  // own loader fails on them, as it would on a missing or blocked download.
  await page.route('**/models/models.json', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        format: 'riskgate.models/1',
        webllm: {
          model_id: 'SmolLM2-135M-Instruct-q0f32-MLC',
          model: 'webllm/SmolLM2-135M/resolve/main/',
          model_lib: 'webllm/SmolLM2-135M-webgpu.wasm',
          context_length: 2048,
          hidden_size: 576,
          gate: { onnx: 'webllm/gate.onnx', sha256: '' },
          thresholds: { json: 'webllm/thresholds.json' },
        },
      }),
    }),
  );
  const { caps } = await mount(page, { endpoint: PROXY_URL });
  expect(caps.rung).toBe('onnx-wasm');
  const webllm = caps.skipped.find((s: { rung: string }) => s.rung === 'webllm-webgpu');
  expect(webllm.reason).toMatch(/^engine_failed: /);
  expect(caps.reason).toContain('fell back: webllm-webgpu');
});
