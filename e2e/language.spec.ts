/**
 * Issue 25, point 7: `lang` switches every visible string. In each state a visitor meets (ready,
 * a device answer, a server answer, an error with Retry, a queued-then-cleared conversation with
 * Undo), the widget's own words are German: no entry of the English table and no common English
 * word is on screen or in an accessible name. The messages themselves (the visitor's and the
 * model's) and the closed Details are not the widget's words and are left out.
 */
import { expect, type Page, test } from '@playwright/test';
import { de } from '../web/strings/de.js';
import { en } from '../web/strings/en.js';
import { edgeAnswer, openChat, send } from './fixtures.js';

/** What the visitor reads and hears from the widget itself: rendered text and accessible names. */
function widgetWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const host = document.querySelector('riskgate-chat')!;
    const root = host.shadowRoot!;
    const hidden = [...root.querySelectorAll<HTMLElement>('li .text, [aria-live]')];
    for (const el of hidden) el.dataset.was = el.style.display;
    for (const el of hidden) el.style.display = 'none';
    // biome-ignore lint/performance/useDomNodeTextContent: what is rendered, not what the DOM holds (closed Details are not read)
    const text = [...root.children].map((c) => (c as HTMLElement).innerText ?? '').join('\n');
    for (const el of hidden) el.style.display = el.dataset.was ?? '';
    const names = [...root.querySelectorAll('[aria-label], [placeholder], [aria-valuetext]')].flatMap((el) =>
      ['aria-label', 'placeholder', 'aria-valuetext'].map((a) => el.getAttribute(a) ?? ''),
    );
    return [text, ...names, host.getAttribute('aria-label') ?? ''].join('\n');
  });
}

const ENGLISH_ENTRIES = [
  ...Object.entries(en).flatMap(([key, value]) =>
    typeof value === 'string' && value !== (de as Record<string, unknown>)[key] && value.includes(' ') ? [value] : [],
  ),
  ...Object.values(en.errors),
];
// Lowercase English words (German nouns such as "Server" are capitalized) and the English buttons' words.
const ENGLISH_WORDS =
  /\b(the|this|is|to|on|of|and|message|messages|answer|answers|server|device|ready)\b|\b(Ready|Send|Stop|Answered|Cancel|Copy|Retry|Clear|Undo|Edit)\b/;

async function expectGerman(page: Page, state: string) {
  const words = await widgetWords(page);
  for (const english of ENGLISH_ENTRIES) expect(words, `${state}: "${english}"`).not.toContain(english);
  expect(words.match(ENGLISH_WORDS)?.[0], `${state}: ${words}`).toBeUndefined();
}

/** An edge that answers every request with `reply`, or with HTTP 500 while `failing` is set. */
async function fakeEdge(page: Page, reply: string): Promise<{ failing: boolean }> {
  const state = { failing: false };
  await page.route('**/v1/chat/completions', (route) => {
    if (state.failing)
      return route.fulfill({
        status: 500,
        contentType: 'application/json',
        headers: { 'access-control-allow-origin': '*' },
        body: JSON.stringify({ error: { message: 'upstream broke', type: 'server_error', code: 'upstream_error' } }),
      });
    return route.fulfill(edgeAnswer('shop-model', reply));
  });
  return state;
}

test('lang="de": every visible string and accessible name is German, in every state a visitor meets', async ({
  page,
}) => {
  const edge = await fakeEdge(page, 'Gern geschehen.');
  await openChat(page, { 'max-tokens': '8' });
  await page.evaluate(() => document.querySelector('riskgate-chat')!.setAttribute('lang', 'de'));
  await expect(page.locator('riskgate-chat button[type="submit"]')).toHaveText(de.send);
  await expectGerman(page, 'ready, empty');

  await page.evaluate(() => document.querySelector('riskgate-chat')!.setAttribute('mode', 'local'));
  expect(await send(page, 'Once upon a time')).toMatchObject({ ok: true, path: 'local' });
  await expect(page.locator('riskgate-chat li.assistant .badge .who')).toHaveText(de.answeredHere);
  await expectGerman(page, 'a device answer');

  await page.evaluate(() => document.querySelector('riskgate-chat')!.setAttribute('mode', 'edge'));
  expect(await send(page, 'Danke!')).toMatchObject({ ok: true, path: 'edge' });
  await expect(page.locator('riskgate-chat li.assistant .badge .who').last()).toHaveText(de.answeredBy('shop-model'));
  await expectGerman(page, 'a server answer');

  edge.failing = true;
  expect(await send(page, 'Und jetzt?')).toMatchObject({ ok: false });
  await expect(page.locator('riskgate-chat li.error [role="alert"]')).toHaveText(de.httpFailed);
  await expect(page.locator('riskgate-chat li.error button.retry')).toHaveText(de.retry);
  await expectGerman(page, 'an error');

  await page.locator('riskgate-chat button.clear').click();
  await expect(page.locator('riskgate-chat button.undo')).toHaveText(de.undo);
  await expectGerman(page, 'cleared, Undo offered');
});

test('lang follows the page when the element has none, switches at run time, and falls back to English for a language not shipped', async ({
  page,
}) => {
  await openChat(page, { 'max-tokens': '8' });
  const submit = page.locator('riskgate-chat button[type="submit"]');
  await expect(submit).toHaveText(en.send);
  await page.evaluate(() => {
    document.documentElement.lang = 'de-AT';
    const el = document.querySelector('riskgate-chat')!;
    el.setAttribute('lang', 'fr'); // not shipped: English
  });
  await expect(submit).toHaveText(en.send);
  await page.evaluate(() => document.querySelector('riskgate-chat')!.removeAttribute('lang')); // the page's de-AT
  await expect(submit).toHaveText(de.send);
  await expect(page.locator('riskgate-chat textarea')).toHaveAttribute('placeholder', de.placeholder);
  // A site owner's own words for one entry, on top of the language.
  await page.evaluate(() => {
    const el = document.querySelector('riskgate-chat')!;
    el.strings = { send: 'Los' };
  });
  await expect(submit).toHaveText('Los');
  await expect(page.locator('riskgate-chat textarea')).toHaveAttribute('placeholder', de.placeholder);
});
