import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { PROXY_URL, send } from './fixtures.js';

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).include('riskgate-chat').analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical violation while loading, ready, answering, after an answer, on an error and with a queued prompt', async ({ page }) => {
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  await page.route('**/models/stories260K/model.onnx', async (route) => { await held; await route.continue(); });
  await page.goto('/');
  await page.evaluate((endpoint) => document.querySelector('riskgate-chat')!.setAttribute('endpoint', endpoint), PROXY_URL);
  await expect(page.locator('riskgate-chat progress')).toBeVisible();
  expect(await seriousViolations(page), 'loading').toEqual([]);
  release();
  await page.evaluate(() => document.querySelector('riskgate-chat')!.ready);
  expect(await seriousViolations(page), 'ready').toEqual([]);

  await page.evaluate(() => { const el = document.querySelector('riskgate-chat')!; el.mode = 'local'; el.maxTokens = 400; });
  const answering = page.evaluate(() => document.querySelector('riskgate-chat')!.send('Once upon a time'));
  await expect(page.locator('riskgate-chat button.stop')).toBeVisible();
  expect(await seriousViolations(page), 'answering').toEqual([]);
  await answering;
  expect(await seriousViolations(page), 'answered').toEqual([]);

  await page.evaluate(() => { const el = document.querySelector('riskgate-chat')!; el.mode = 'local'; });
  expect(await send(page, 'The dog ran to the park. '.repeat(120))).toEqual({ ok: false, code: 'context_window_exceeded' });
  await expect(page.locator('riskgate-chat li.error')).toBeVisible();
  expect(await seriousViolations(page), 'error').toEqual([]);

  await page.evaluate(() => { const el = document.querySelector('riskgate-chat')!; el.mode = 'edge'; el.endpoint = 'http://localhost:9'; });
  expect(await send(page, 'Hello')).toMatchObject({ ok: true, queued: expect.any(String) });
  await expect(page.locator('riskgate-chat .connectivity')).toBeVisible();
  expect(await seriousViolations(page), 'queued').toEqual([]);
});
