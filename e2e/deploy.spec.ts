import { expect, test, type Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROXY_URL } from './fixtures.js';
import { hostPage, serveSite, siteWithWidget } from '../testing/deploy-servers.js';
import type { StaticServer } from '../node/static-server.js';

const servers: StaticServer[] = [];
test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const serve = async (root: string, options?: { isolation?: boolean; headers?: Record<string, string> }) => {
  const s = await serveSite(root, options);
  servers.push(s);
  return s;
};

function recordRequests(page: Page) {
  const seen: { url: string; status: number }[] = [];
  page.on('response', (r) => seen.push({ url: r.url(), status: r.status() }));
  page.on('requestfailed', (r) => seen.push({ url: r.url(), status: 0 }));
  return seen;
}

async function typeAndSend(page: Page, text: string) {
  await page.locator('riskgate-chat textarea[name="prompt"]').fill(text);
  await page.locator('riskgate-chat button[type="submit"]').click();
}

test('dist/ copied to a sub-folder of another static server: the README embed answers, every URL under the folder, no 404', async ({
  page,
}) => {
  const root = siteWithWidget('riskgate', {
    'shop/product.html': hostPage('/riskgate/riskgate-chat.js', `endpoint="${PROXY_URL}" mode="local" max-tokens="12"`),
  });
  const site = await serve(root);
  const seen = recordRequests(page);
  await page.goto(new URL('/shop/product.html', site.url).href);
  await typeAndSend(page, 'Once upon a time');
  await expect(page.locator('riskgate-chat li.assistant')).toContainText(', there was a little girl');
  await expect(page.locator('riskgate-chat li.assistant .badge')).toContainText('Answered on this device');
  const own = seen.filter(
    (r) => r.url.startsWith(new URL('/', site.url).href) && !r.url.endsWith('/shop/product.html'),
  );
  expect(own.length).toBeGreaterThan(5);
  expect(own.filter((r) => !r.url.includes('/riskgate/'))).toEqual([]);
  expect(own.filter((r) => r.status !== 200 && r.status !== 304)).toEqual([]);
  // The WASM rung never downloads the WebGPU-capable ORT build.
  expect(own.some((r) => /ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(r.url))).toBe(true);
  expect(own.some((r) => r.url.includes('asyncify') || r.url.includes('jsep'))).toBe(false);
});

test('script from a second origin (CDN) on an isolated page: the worker starts through a Blob bootstrap and answers', async ({
  page,
}) => {
  const cdn = await serve(siteWithWidget('riskgate', {}));
  const host = await serve(
    siteWithWidget(undefined, {
      'index.html': hostPage(
        new URL('/riskgate/riskgate-chat.js', cdn.url).href,
        `endpoint="${PROXY_URL}" mode="local" max-tokens="12"`,
      ),
    }),
  );
  expect(new URL(cdn.url).origin).not.toBe(new URL(host.url).origin);
  const seen = recordRequests(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('/index.html', host.url).href);
  const status = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    await el.ready;
    return { rung: el.capabilities!.rung, threads: el.capabilities!.wasmThreads, isolated: crossOriginIsolated };
  });
  expect(status).toEqual({ rung: 'onnx-wasm', threads: 1, isolated: true });
  await typeAndSend(page, 'Once upon a time');
  await expect(page.locator('riskgate-chat li.assistant')).toContainText(', there was a little girl');
  const fromCdn = seen.filter((r) => r.url.startsWith(new URL('/', cdn.url).href));
  expect(fromCdn.some((r) => r.url.endsWith('/riskgate/models/stories260K/model.onnx'))).toBe(true);
  expect(fromCdn.filter((r) => r.status !== 200 && r.status !== 304)).toEqual([]);
  expect(errors).toEqual([]);
});

test('a worker script that fails to load ends in asset_unreachable with Retry; the prompt typed meanwhile is kept and answered after Retry', async ({
  page,
}) => {
  let failWorker = true;
  await page.route('**/assets/router.worker-*.js', (route) =>
    failWorker ? route.fulfill({ status: 404, body: 'gone' }) : route.continue(),
  );
  await page.goto('/');
  await page.evaluate((endpoint) => {
    const el = document.querySelector('riskgate-chat')!;
    el.setAttribute('endpoint', endpoint);
    el.setAttribute('mode', 'local');
    el.setAttribute('max-tokens', '12');
    (window as unknown as { codes: string[] }).codes = [];
    el.addEventListener('riskgate-error', (e) =>
      (window as unknown as { codes: string[] }).codes.push((e as CustomEvent).detail.code),
    );
  }, PROXY_URL);
  const readyCode = await page.evaluate(() =>
    document.querySelector('riskgate-chat')!.ready.then(
      () => 'ready',
      (e: { code: string }) => e.code,
    ),
  );
  expect(readyCode).toBe('asset_unreachable');
  await typeAndSend(page, 'Once upon a time');
  const error = page.locator('riskgate-chat li.error');
  await expect(error).toHaveAttribute('data-code', 'asset_unreachable');
  await expect(error).toContainText('could not be downloaded');
  await expect(page.locator('riskgate-chat li.user')).toContainText('Not sent');
  failWorker = false;
  await error.getByRole('button', { name: 'Retry' }).click();
  await expect(page.locator('riskgate-chat li.assistant')).toContainText(', there was a little girl');
  await expect(page.locator('riskgate-chat li.error')).toHaveCount(0);
  await expect(page.locator('riskgate-chat li.user')).toHaveCount(1);
  expect(await page.evaluate(() => (window as unknown as { codes: string[] }).codes)).toContain('asset_unreachable');
});

test('preload="none" fetches no wasm and no model until the first focus, then loads and answers', async ({ page }) => {
  const root = siteWithWidget('riskgate', {
    'index.html': hostPage(
      '/riskgate/riskgate-chat.js',
      `endpoint="${PROXY_URL}" mode="local" max-tokens="8" preload="none"`,
    ),
  });
  const site = await serve(root);
  const seen = recordRequests(page);
  await page.goto(new URL('/index.html', site.url).href);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  const heavy = (r: { url: string }) => /\.(wasm|onnx|bin)$|router\.worker|manifest\.json|ort\./.test(r.url);
  expect(seen.filter(heavy)).toEqual([]);
  await expect(page.locator('riskgate-chat .status')).toContainText('loads when you start typing');
  await page.locator('riskgate-chat textarea[name="prompt"]').focus();
  await expect(page.locator('riskgate-chat .status')).toContainText('Ready', { timeout: 30_000 });
  expect(seen.filter(heavy).some((r) => r.url.endsWith('model.onnx'))).toBe(true);
  await typeAndSend(page, 'Once upon a time');
  await expect(page.locator('riskgate-chat li.assistant')).toContainText(', there was');
});

test('the production server sends brotli for the script and the model, CORS/CORP on the widget, isolation on pages, and nothing that is not shipped', async ({
  request,
}) => {
  const script = await request.get('/riskgate-chat.js', { headers: { 'accept-encoding': 'br, gzip' } });
  expect(script.headers()).toMatchObject({
    'content-encoding': 'br',
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
  });
  const model = await request.get('/models/stories260K/model.onnx', { headers: { 'accept-encoding': 'br, gzip' } });
  expect(model.headers()['content-encoding']).toBe('br');
  const page = await request.get('/');
  expect(page.headers()).toMatchObject({
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  expect((await request.get('/models/models.json')).status()).toBe(200);
  expect((await request.get('/e2e/harness.html')).status()).toBe(200);
  expect((await request.get('/models/selector.onnx')).status()).toBe(404);
  expect((await request.get('/models/stories260K/stories260K.bin')).status()).toBe(404);
});

test("the widget's model files missing (404) on a site owner's server: edge-only, the visitor still gets answers, the owner reads why in the console", async ({
  page,
}) => {
  const root = siteWithWidget('riskgate', {
    'shop/product.html': hostPage('/riskgate/riskgate-chat.js', `endpoint="${PROXY_URL}" max-tokens="12"`),
  });
  rmSync(join(root, 'riskgate', 'models'), { recursive: true, force: true });
  const site = await serve(root);
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await page.goto(new URL('/shop/product.html', site.url).href);
  await typeAndSend(page, 'What is the capital of France?');
  await expect(page.locator('riskgate-chat li.assistant .badge')).toContainText('Answered by');
  const caps = await page.evaluate(() => document.querySelector('riskgate-chat')!.capabilities!);
  expect(caps.rung).toBe('edge-only');
  expect(caps.reason).toMatch(/^asset_unreachable: GET .*\/riskgate\/models\/manifest\.json → 404/);
  await expect(page.locator('riskgate-chat .status > span').first()).toHaveText(
    'The on-device model could not start here, so every message goes to the server.',
  );
  await expect(page.locator('riskgate-chat .operating-point')).toHaveCount(0);
  expect(warnings.join('\n')).toMatch(/no on-device model, every message goes to the edge \(asset_unreachable/);
});

test("WebAssembly blocked by the page's CSP (no wasm-unsafe-eval): edge-only with the reason, and the edge answers", async ({
  page,
}) => {
  const root = siteWithWidget('riskgate', {
    'shop/product.html': hostPage('/riskgate/riskgate-chat.js', `endpoint="${PROXY_URL}" max-tokens="12"`),
  });
  // The site owner's server sends the policy on every file: the page's and the worker's script's.
  const csp = `default-src 'self'; script-src 'self'; worker-src 'self' blob:; connect-src 'self' ${PROXY_URL}; style-src 'self' 'unsafe-inline'`;
  const site = await serve(root, { headers: { 'content-security-policy': csp } });
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(new URL('/shop/product.html', site.url).href);
  await typeAndSend(page, 'What is the capital of France?');
  await expect(page.locator('riskgate-chat li.assistant .badge')).toContainText('Answered by');
  const caps = await page.evaluate(() => document.querySelector('riskgate-chat')!.capabilities!);
  expect(caps.rung).toBe('edge-only');
  expect(caps.reason).toMatch(
    /^csp_blocked: this page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval'/,
  );
  expect(violations.length).toBeGreaterThan(0);
});
