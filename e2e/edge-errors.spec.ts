/**
 * Issue 25, point 1: an error the proxy answered is that error, with a plain sentence and Retry,
 * never "offline", never queued, and it does not hold later prompts back. Only a failure for lack
 * of network is queued. A proxy refusing the page's origin (CORS) has its own code.
 */
import { expect, test } from '@playwright/test';
import { mount, send, PROXY_URL } from './fixtures.js';
import { startProxy, type RunningProxy } from '../edge-proxy/server.js';

const openAiError = (status: number, code: string, message: string, headers: Record<string, string> = {}) => ({
  status,
  contentType: 'application/json',
  headers: { 'access-control-allow-origin': '*', ...headers },
  body: JSON.stringify({
    error: { message, type: status >= 500 ? 'server_error' : 'rate_limit_error', code, param: null },
  }),
});

for (const [status, code, words] of [
  [500, 'upstream_failed', 'The server had a problem answering'],
  [429, 'rate_limited', 'The server is busy with too many requests'],
] as const) {
  test(`an upstream ${status}: shown as that error with Retry, not queued; the next prompt is answered; Retry answers it`, async ({
    page,
  }) => {
    let failNext = true;
    await page.route(`${PROXY_URL}/v1/chat/completions`, async (route) => {
      if (failNext) {
        failNext = false;
        return route.fulfill(
          openAiError(status, code, 'every edge model failed', status === 429 ? { 'retry-after': '3' } : {}),
        );
      }
      return route.fallback();
    });
    await mount(page, { endpoint: PROXY_URL, mode: 'edge', 'max-tokens': '8' });
    const failed = await send(page, 'What is the capital of France?');
    expect(failed).toEqual({ ok: false, code: 'edge_error' });
    const widget = page.locator('riskgate-chat');
    const error = widget.locator('li.error');
    await expect(error).toHaveAttribute('data-status', String(status));
    await expect(error.locator('[role="alert"]')).toContainText(words);
    await expect(widget.locator('li.user').first()).not.toHaveAttribute('data-state', 'queued');
    expect(
      await page.evaluate(
        () => document.querySelector('riskgate-chat')!.shadowRoot!.querySelector('.connectivity')?.textContent ?? '',
      ),
    ).not.toContain('cannot be reached');
    // A later prompt is answered at once: nothing waits behind the failed one.
    const next = await send(page, 'Once upon a time');
    expect(next).toMatchObject({ ok: true, path: 'edge' });
    await error.getByRole('button', { name: 'Retry' }).click();
    await expect(widget.locator('li.assistant')).toHaveCount(2);
    await widget.screenshot({ path: test.info().outputPath(`edge-${status}.png`) });
  });
}

test.describe("a proxy that refuses the page's origin", () => {
  let strict: RunningProxy;
  test.beforeAll(async () => {
    strict = await startProxy(0, { config: { cors_origins: [] } });
  });
  test.afterAll(() => strict.close());

  test('gets edge_cors_refused (not offline, not queued), a sentence for the visitor and one for the site owner', async ({
    page,
  }) => {
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await mount(page, { endpoint: strict.url, mode: 'edge', 'max-tokens': '8' });
    expect(await send(page, 'Hello there')).toEqual({ ok: false, code: 'edge_cors_refused' });
    await expect(page.locator('riskgate-chat li.error [role="alert"]')).toContainText(
      'not allowed to use its chat server',
    );
    await expect(page.locator('riskgate-chat li.user').first()).not.toHaveAttribute('data-state', 'queued');
    expect(warnings.join('\n')).toMatch(/refused this page's origin .*cors_origins/);
  });
});

test('an edge answer ends "cannot be reached": the line goes and what was queued is sent at once, not at its next back-off', async ({
  page,
}) => {
  let down = true;
  for (const path of ['/v1/chat/completions', '/health'])
    await page.route(`${PROXY_URL}${path}`, (route) => (down ? route.abort('connectionrefused') : route.fallback()));
  await mount(page, { endpoint: PROXY_URL, mode: 'edge', 'max-tokens': '8' });
  const queued = await send(page, 'What is the capital of France?');
  expect(queued).toMatchObject({ ok: true, queued: expect.any(String) });
  const line = page.locator('riskgate-chat .connectivity');
  await expect(line).toContainText('cannot be reached');
  // Let its back-off grow past the wait below (1 + 2 + 4 s: the next try is 8 s away).
  await expect
    .poll(() => page.evaluate(() => document.querySelector('riskgate-chat')!.outbox[0]?.attempts ?? 0), {
      timeout: 20_000,
    })
    .toBeGreaterThanOrEqual(4);
  down = false;
  expect(await send(page, 'Once upon a time')).toMatchObject({ ok: true, path: 'edge' });
  await expect(line).toHaveCount(0, { timeout: 4_000 });
  await expect(page.locator('riskgate-chat li.user[data-state="queued"]')).toHaveCount(0, { timeout: 4_000 });
  expect(await page.evaluate(() => document.querySelector('riskgate-chat')!.outbox.length)).toBe(0);
});

test('cancelling the only queued message ends "cannot be reached": nothing is waiting for the server any more', async ({
  page,
}) => {
  await page.route(`${PROXY_URL}/**`, (route) => route.abort('connectionrefused'));
  await mount(page, { endpoint: PROXY_URL, mode: 'edge', 'max-tokens': '8' });
  expect(await send(page, 'What is the capital of France?')).toMatchObject({ ok: true, queued: expect.any(String) });
  const line = page.locator('riskgate-chat .connectivity');
  await expect(line).toContainText('cannot be reached');
  await page.locator('riskgate-chat button.cancel-queued').click();
  await expect(page.locator('riskgate-chat li.user')).toHaveAttribute('data-state', 'unsent');
  await expect(line).toHaveCount(0);
});
