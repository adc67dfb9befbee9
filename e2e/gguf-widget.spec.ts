import { expect, test, type Page } from '@playwright/test';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../node/paths.js';
import { PROXY_URL } from './fixtures.js';
import { hostPage } from '../testing/deploy-servers.js';
import { GGUF_FOLDER, ggufFetched, ggufSite, TINYLLAMA, type GgufSite } from '../testing/gguf-site.js';

// Issue 23, as a visitor meets it: the README embed on a site owner's page, the built dist/ in a
// sub-folder, TinyLlama declared in its models folder. TinyLlama's own gate certifies no operating
// point (docs/results/fit/tinyllama-1.1b-chat), so an honest `auto` widget sends everything to the
// edge; these journeys use the site owner's `mode="local"` to meet the model itself.
test.describe.configure({ mode: 'serial' });
test.skip(!ggufFetched(), 'TinyLlama is not fetched: npm run riskgate -- models fetch tinyllama-1.1b-chat');
test.setTimeout(600_000);

const SHOTS = process.env.SCREENSHOTS_DIR ?? resolve(REPO_ROOT, 'test-results/gguf-screenshots');
let site: GgufSite;
test.beforeAll(async () => {
  site = await ggufSite({
    isolation: true,
    pages: {
      'shop/chat.html': hostPage(
        `/${GGUF_FOLDER}/riskgate-chat.js`,
        `endpoint="${PROXY_URL}" mode="local" max-tokens="24"`,
      ),
    },
  });
});
test.afterAll(async () => {
  await site?.close();
});

type Sent = { text: string; finishReason: string; path: string; tokens: number; textAtSecondToken: string };
/** Sends one message through the widget's public API, noting what the visitor saw mid-answer. */
const send = (page: Page, prompt: string, stopAfterTokens = 0) =>
  page.evaluate(
    async ({ prompt, stopAfterTokens }) => {
      const el = document.querySelector('riskgate-chat')!;
      let tokens = 0;
      let streamed = '';
      let textAtSecondToken = '';
      const onToken = (e: Event) => {
        tokens++;
        streamed += (e as CustomEvent<{ text: string }>).detail.text;
        if (tokens === 2) textAtSecondToken = streamed;
        if (tokens === stopAfterTokens) el.shadowRoot!.querySelector<HTMLButtonElement>('button.stop')!.click();
      };
      el.addEventListener('riskgate-token', onToken);
      const decision = new Promise<string>((ok) =>
        el.addEventListener('riskgate-decision', (e) => ok((e as CustomEvent<{ path: string }>).detail.path), {
          once: true,
        }),
      );
      try {
        const r = await el.send(prompt);
        return { text: r.text, finishReason: r.finishReason, path: await decision, tokens, textAtSecondToken };
      } finally {
        el.removeEventListener('riskgate-token', onToken);
      }
    },
    { prompt, stopAfterTokens },
  ) as Promise<Sent>;

test('the widget loads TinyLlama with byte progress, streams "Paris" on the device and says what runs where', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${site.server.url.replace(/\/$/, '')}/shop/chat.html`);
  const widget = page.locator('riskgate-chat');
  await expect(widget.locator('.status progress[value]')).toBeVisible({ timeout: 60_000 });
  await expect(widget.locator('.status > span').first()).toContainText(
    /Getting the on-device model ready \(\d+% of 323 MB\)/,
  );
  await page.screenshot({ path: join(SHOTS, 'desktop-gguf-download.png') });
  await page.evaluate(() => document.querySelector('riskgate-chat')!.ready);
  await expect(widget.locator('.status > span').first()).toContainText(
    'A small model on this device (WebAssembly) answers every message; nothing checks its answers first.',
  );
  // A site owner's mode="local" overrides the gate, so the visitor gets no picker that would do nothing.
  await expect(widget.locator('.operating-point')).toHaveCount(0);
  const caps = await page.evaluate(() => document.querySelector('riskgate-chat')!.capabilities!);
  expect(caps.rung).toBe('gguf-wasm');

  const answer = await send(page, 'What is the capital of France?');
  expect(answer.path).toBe('local');
  expect(answer.text).toContain('Paris');
  // Streamed: the visitor saw the answer grow token by token, not arrive whole.
  expect(answer.tokens).toBeGreaterThan(2);
  expect(answer.textAtSecondToken.length).toBeGreaterThan(0);
  expect(answer.textAtSecondToken.length).toBeLessThan(answer.text.length);
  await expect(widget.locator('li.assistant .badge')).toContainText('Answered on this device');
  await widget.locator('details.internals summary').click();
  await expect(widget.locator('details.internals')).toContainText(TINYLLAMA.modelId);
  await page.screenshot({ path: join(SHOTS, 'desktop-gguf-local-answer.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, 'mobile-gguf-local-answer.png') });
});

test('Stop mid-answer keeps the text so far, and a 4-turn conversation stays within the window', async ({ page }) => {
  await page.goto(`${site.server.url.replace(/\/$/, '')}/shop/chat.html`);
  await page.evaluate(() => document.querySelector('riskgate-chat')!.ready);
  await page.evaluate(() => document.querySelector('riskgate-chat')!.setAttribute('max-tokens', '200'));
  const stopped = await send(page, 'Write a long story about a dragon who learns to bake bread.', 4);
  expect(stopped.finishReason).toBe('aborted');
  expect(stopped.text.length).toBeGreaterThan(0);
  await expect(page.locator('riskgate-chat li.assistant .note').last()).toContainText('Stopped');

  await page.evaluate(() => document.querySelector('riskgate-chat')!.setAttribute('max-tokens', '16'));
  const turns = ['My name is Ada.', 'What is 2 + 2?', 'Name a colour.', 'What is my name?'];
  const answers: Sent[] = [];
  for (const prompt of turns) answers.push(await send(page, prompt));
  for (const a of answers) {
    expect(a.path).toBe('local');
    expect(a.text.trim().length).toBeGreaterThan(0);
  }
  // Five exchanges fit TinyLlama's 2,048-token window: nothing was dropped, so it still knows the name.
  await expect(page.locator('riskgate-chat')).not.toContainText('did not fit');
  expect(answers[3]!.text).toMatch(/Ada/);
});
