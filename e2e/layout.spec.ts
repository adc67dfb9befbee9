/**
 * Issue 25, point 5: a layout for any page — the launcher (a floating button that opens a panel),
 * by keyboard; the operating-point control full, compact or hidden, chosen by the site owner.
 */
import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { PROXY_URL } from './fixtures.js';

const activeName = (page: import('@playwright/test').Page) =>
  page.evaluate(() => {
    const a = document.querySelector('riskgate-chat')!.shadowRoot!.activeElement;
    return a ? `${a.tagName.toLowerCase()}.${a.className}` : null;
  });

test('layout="launcher": Tab to the button, Enter opens the panel with focus in the message box, Escape closes it back to the button', async ({
  page,
}) => {
  await page.goto('/');
  await page.evaluate((endpoint) => {
    const el = document.querySelector('riskgate-chat')!;
    el.setAttribute('endpoint', endpoint);
    el.setAttribute('layout', 'launcher');
    el.setAttribute('mode', 'local');
    el.setAttribute('max-tokens', '8');
  }, PROXY_URL);
  const launcher = page.locator('riskgate-chat button.launcher');
  await expect(launcher).toBeVisible();
  await expect(launcher).toHaveAttribute('aria-expanded', 'false');
  await expect(page.locator('riskgate-chat textarea')).toHaveCount(0);
  for (let i = 0; i < 20 && (await activeName(page)) !== 'button.launcher'; i++) await page.keyboard.press('Tab');
  expect(await activeName(page)).toBe('button.launcher');
  await page.keyboard.press('Enter');
  await expect(page.locator('riskgate-chat textarea[name="prompt"]')).toBeFocused();
  await expect(page.getByRole('dialog', { name: 'Chat' })).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).include('riskgate-chat').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  // It chats like the inline widget.
  await page.keyboard.type('Once upon a time');
  await page.keyboard.press('Enter');
  await expect(page.locator('riskgate-chat li.assistant .badge')).toContainText('Answered on this device');
  await expect(page.locator('riskgate-chat button.stop')).toHaveCount(0); // the answer is over: Escape now closes
  await page.keyboard.press('Escape');
  await expect(page.locator('riskgate-chat textarea')).toHaveCount(0);
  expect(await activeName(page)).toBe('button.launcher');
  // Opened again, the conversation is still there.
  await page.keyboard.press('Enter');
  await expect(page.locator('riskgate-chat li.assistant')).toContainText(', there was');
  await page.locator('riskgate-chat button.close').click();
  await expect(launcher).toBeVisible();
});

test('controls="compact" puts the picker behind "Answer settings"; controls="none" shows none', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(
    (endpoint) => document.querySelector('riskgate-chat')!.setAttribute('endpoint', endpoint),
    PROXY_URL,
  );
  await page.evaluate(() => document.querySelector('riskgate-chat')!.ready);
  const picker = page.locator('riskgate-chat .operating-point');
  await expect(picker).toBeVisible();
  await page.evaluate(() => document.querySelector('riskgate-chat')!.setAttribute('controls', 'compact'));
  await expect(picker).toBeHidden();
  await page.locator('riskgate-chat details.answer-settings summary').click();
  await expect(picker).toBeVisible();
  await page.evaluate(() => document.querySelector('riskgate-chat')!.setAttribute('controls', 'none'));
  await expect(picker).toHaveCount(0);
});
