import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { PROXY_URL, send } from './fixtures.js';

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).include('riskgate-chat').analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical violation while loading, ready, answering, after an answer, on an error and with a queued prompt', async ({
  page,
}) => {
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  await page.route('**/models/stories260K/model.onnx', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await page.evaluate(
    (endpoint) => document.querySelector('riskgate-chat')!.setAttribute('endpoint', endpoint),
    PROXY_URL,
  );
  await expect(page.locator('riskgate-chat progress')).toBeVisible();
  expect(await seriousViolations(page), 'loading').toEqual([]);
  release();
  await page.evaluate(() => document.querySelector('riskgate-chat')!.ready);
  expect(await seriousViolations(page), 'ready').toEqual([]);

  await page.evaluate(() => {
    const el = document.querySelector('riskgate-chat')!;
    el.mode = 'local';
    el.maxTokens = 400;
  });
  const answering = page.evaluate(() => document.querySelector('riskgate-chat')!.send('Once upon a time'));
  await expect(page.locator('riskgate-chat button.stop')).toBeVisible();
  expect(await seriousViolations(page), 'answering').toEqual([]);
  await answering;
  expect(await seriousViolations(page), 'answered').toEqual([]);

  await page.evaluate(() => {
    const el = document.querySelector('riskgate-chat')!;
    el.mode = 'local';
  });
  expect(await send(page, 'The dog ran to the park. '.repeat(120))).toEqual({
    ok: false,
    code: 'context_window_exceeded',
  });
  await expect(page.locator('riskgate-chat li.error')).toBeVisible();
  expect(await seriousViolations(page), 'error').toEqual([]);

  await page.evaluate(() => {
    const el = document.querySelector('riskgate-chat')!;
    el.mode = 'edge';
    el.endpoint = 'http://localhost:9';
  });
  expect(await send(page, 'Hello')).toMatchObject({ ok: true, queued: expect.any(String) });
  await expect(page.locator('riskgate-chat .connectivity')).toBeVisible();
  expect(await seriousViolations(page), 'queued').toEqual([]);
});

// Issue 25, point 6: dark mode by the visitor's preference or the site's choice, and a site's own
// dark palette through the documented custom properties, all axe-clean (colour contrast included).
for (const variant of ['theme="dark"', 'prefers-color-scheme: dark', 'a custom dark palette'] as const) {
  test(`dark: ${variant} — answered, edge answer, error and queued states are axe-clean, and the widget is dark`, async ({
    page,
  }) => {
    if (variant === 'prefers-color-scheme: dark') await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/');
    await page.evaluate(
      ({ endpoint, variant }) => {
        const el = document.querySelector('riskgate-chat')!;
        el.setAttribute('endpoint', endpoint);
        if (variant === 'theme="dark"') el.setAttribute('theme', 'dark');
        if (variant === 'a custom dark palette') {
          el.setAttribute('theme', 'light'); // the site's own palette, over the light defaults
          for (const [k, v] of Object.entries({
            text: '#f4f1ea',
            background: '#1b1611',
            border: '#4a3f33',
            muted: '#cdbfae',
            subtle: '#d8ccbd',
            secondary: '#2c241c',
            primary: '#8a4b12',
            link: '#f5b971',
            warn: '#f5c36b',
            success: '#9ad6a4',
            notice: '#ffe0a3',
            'notice-background': '#3b2c12',
            'input-border': '#8c7a66',
            'code-background': '#120e0a',
            'error-background': '#3d1d1f',
            error: '#ffc2bd',
            danger: '#ff9b91',
          }))
            el.style.setProperty(`--riskgate-color-${k}`, v);
        }
      },
      { endpoint: PROXY_URL, variant },
    );
    await page.evaluate(() => document.querySelector('riskgate-chat')!.ready);
    const background = await page.locator('riskgate-chat').evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!, background).toBeLessThan(150);
    await page.evaluate(() => {
      const el = document.querySelector('riskgate-chat')!;
      el.mode = 'local';
      el.maxTokens = 16;
    });
    await send(page, 'Once upon a time');
    await page.evaluate(() => {
      document.querySelector('riskgate-chat')!.mode = 'edge';
    });
    await send(page, 'Lily and Ben went to the beach.');
    await page.evaluate(() => {
      document.querySelector('riskgate-chat')!.mode = 'local';
    });
    await send(page, 'The dog ran to the park. '.repeat(120));
    await expect(page.locator('riskgate-chat li.error')).toBeVisible();
    await page.locator('riskgate-chat li.assistant details summary').first().click();
    expect(await seriousViolations(page), 'answers and error').toEqual([]);
    await page.evaluate(() => {
      const el = document.querySelector('riskgate-chat')!;
      el.mode = 'edge';
      el.endpoint = 'http://localhost:9';
    });
    await send(page, 'Hello');
    await expect(page.locator('riskgate-chat .connectivity')).toBeVisible();
    expect(await seriousViolations(page), 'queued').toEqual([]);
    if (variant === 'theme="dark"') await page.screenshot({ path: 'test-results/dark-theme.png' });
  });
}
