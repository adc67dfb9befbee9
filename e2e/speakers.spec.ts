/**
 * Issue 25, point 7 (names and avatars, as deep-chat and @n8n/chat offer): a site names the two
 * speakers and gives them pictures; without that, nothing is shown but a screen reader still
 * hears who said each message. A picture that is not an image URL is refused, the rest kept.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { edgeAnswer, openChat, send } from './fixtures.js';

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).include('riskgate-chat').analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

/** A 1×1 PNG, inline: no request, so the journey needs no image server. */
const DOT_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

test('assistant-name, user-name and the avatars label each message; without them only a screen reader hears "You" and "Assistant"', async ({
  page,
}) => {
  await page.route('**/v1/chat/completions', (route) => route.fulfill(edgeAnswer('shop-model', 'Open till six.')));
  await openChat(page, { mode: 'edge' });
  expect(await send(page, 'When do you open?')).toMatchObject({ ok: true, path: 'edge' });
  const user = page.locator('riskgate-chat li.user');
  const answer = page.locator('riskgate-chat li.assistant');
  // Unnamed: no visible speaker row, but the accessible text of each bubble starts with who said it.
  await expect(page.locator('riskgate-chat .speaker')).toHaveCount(0);
  await expect(user.locator('.sr-only').first()).toHaveText('You:');
  await expect(answer.locator('.sr-only').first()).toHaveText('Assistant:');

  await page.evaluate((avatar) => {
    const el = document.querySelector('riskgate-chat')!;
    el.setAttribute('assistant-name', 'Ada from the shop');
    el.setAttribute('assistant-avatar', avatar);
    el.setAttribute('user-name', 'Sam');
  }, DOT_PNG);
  await expect(answer.locator('[part="name"]')).toHaveText('Ada from the shop');
  await expect(answer.locator('img[part="avatar"]')).toHaveAttribute('src', DOT_PNG);
  await expect(answer.locator('img[part="avatar"]')).toHaveAttribute('alt', ''); // the name beside it says who
  await expect(user.locator('[part="name"]')).toHaveText('Sam');
  await expect(user.locator('img')).toHaveCount(0); // no user-avatar given
  // The picture loaded (an inline image, nothing fetched) and is the size the stylesheet gives it.
  const size = await answer
    .locator('img[part="avatar"]')
    .evaluate((img: HTMLImageElement) => ({ complete: img.complete, w: img.naturalWidth, shown: img.clientWidth }));
  expect(size).toEqual({ complete: true, w: 1, shown: 24 });
  // The message text itself is untouched by its label.
  await expect(answer.locator('.text')).toHaveText('Open till six.');
  // The names are readable on both palettes (the user's sits on the primary colour).
  expect(await seriousViolations(page), 'light').toEqual([]);
  await page.evaluate(() => document.querySelector('riskgate-chat')!.setAttribute('theme', 'dark'));
  expect(await seriousViolations(page), 'dark').toEqual([]);
});

test('an avatar that is not a picture URL is refused with invalid_request and the previous one kept', async ({
  page,
}) => {
  await page.route('**/v1/chat/completions', (route) => route.fulfill(edgeAnswer('shop-model', 'Hello.')));
  await openChat(page, { mode: 'edge' });
  await page.evaluate((avatar) => {
    const el = document.querySelector('riskgate-chat')!;
    el.setAttribute('assistant-avatar', avatar);
  }, DOT_PNG);
  const errors = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    const seen: string[] = [];
    el.addEventListener('riskgate-error', (e) => seen.push((e as CustomEvent<{ code: string }>).detail.code));
    el.setAttribute('assistant-avatar', 'javascript:alert(1)');
    await el.updateComplete;
    el.setAttribute('assistant-name', 'x'.repeat(61));
    await el.updateComplete;
    return seen;
  });
  expect(errors).toEqual(['invalid_request', 'invalid_request']);
  expect(await send(page, 'Hi')).toMatchObject({ ok: true });
  await expect(page.locator('riskgate-chat li.assistant img[part="avatar"]')).toHaveAttribute('src', DOT_PNG);
  await expect(page.locator('riskgate-chat li.assistant [part="name"]')).toHaveText('Assistant');
});
