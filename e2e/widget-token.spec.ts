import { expect, test } from '@playwright/test';
import { startProxy, type RunningProxy } from '../edge-proxy/server.js';
import { mintWidgetToken } from '../edge-proxy/widget-tokens.js';

// A public widget with auth on: the page gets short-lived tokens from "its backend" (here the
// test mints them with the shared secret), the proxy verifies them, and a 401 makes the widget
// ask for a fresh one.
const SECRET = 'shared-secret-of-the-site-backend';
let proxy: RunningProxy;
test.beforeAll(async () => {
  process.env.RISKGATE_TEST_WIDGET_SECRET = SECRET;
  proxy = await startProxy(0, {
    config: { widget_token_secret_env: 'RISKGATE_TEST_WIDGET_SECRET', cors_origins: ['*'] },
  });
});
test.afterAll(() => proxy.close());

test('getToken: an expired token gets 401, the widget asks for a fresh one and the edge answers', async ({ page }) => {
  let minted = 0;
  await page.exposeFunction('siteBackendToken', async () =>
    mintWidgetToken(SECRET, { subject: 'visitor-7', ttlSeconds: minted++ === 0 ? -5 : 300 }),
  );
  await page.goto('/');
  const result = await page.evaluate(async (endpoint) => {
    const el = document.querySelector('riskgate-chat')!;
    el.endpoint = endpoint;
    el.mode = 'edge';
    el.maxTokens = 8;
    el.getToken = () => (window as unknown as { siteBackendToken(): Promise<string> }).siteBackendToken();
    await el.ready;
    const r = await el.send('Once upon a time');
    return { path: r.path, model: r.model, text: r.text, queued: r.queued ?? null };
  }, proxy.url);
  expect(result).toMatchObject({ path: 'edge', model: 'stories260K', queued: null });
  expect(result.text.startsWith(', there was')).toBe(true);
  expect(minted).toBe(2);
});

test('without a token the proxy answers 401 and the widget says so (nothing is queued for a refusal)', async ({
  page,
}) => {
  await page.goto('/');
  const code = await page.evaluate(async (endpoint) => {
    const el = document.querySelector('riskgate-chat')!;
    el.endpoint = endpoint;
    el.mode = 'edge';
    await el.ready;
    return el.send('Once upon a time').then(
      () => 'answered',
      (e: { code: string }) => e.code,
    );
  }, proxy.url);
  expect(code).toBe('edge_error');
  await expect(page.locator('riskgate-chat li.error')).toHaveAttribute('data-code', 'edge_error');
});
