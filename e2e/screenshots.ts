/**
 * @module e2e/screenshots
 * `npm run screenshots`: the widget as a visitor sees it, desktop and 390 px mobile: ready, a
 * local answer, an edge answer, a message too long for the device, an error the server answered
 * (HTTP 500, with Retry), a prompt queued for the edge, an answer given on the
 * device because the edge was out of reach (offline="local"), a Markdown code answer, German with a text
 * file attached, dark mode, and the
 * launcher closed and open; written to docs/screenshots/.
 * Runs the production static server and the edge proxy itself.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Page, type Route } from 'playwright-core';
import { REPO_ROOT } from '../node/paths.js';
import { startStaticServer } from '../node/static-server.js';
import { loadConfig, startProxy } from '../edge-proxy/server.js';

const OUT = resolve(REPO_ROOT, 'docs/screenshots');
mkdirSync(OUT, { recursive: true });
const { config, baseDir } = loadConfig();
const proxy = await startProxy(8795, { config: { ...config, cors_origins: ['*'] }, baseDir });
const site = await startStaticServer({ port: 4177, pages: true, endpoint: proxy.url });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking'],
});

/** The proxy's answer when every edge model failed: an OpenAI error body with HTTP 500. */
const serverError = (route: Route) =>
  route.fulfill({
    status: 500,
    contentType: 'application/json',
    headers: { 'access-control-allow-origin': '*' },
    body: JSON.stringify({
      error: { message: 'every edge model failed', type: 'server_error', code: 'upstream_failed', param: null },
    }),
  });

async function shoot(page: Page, name: string) {
  await page.locator('riskgate-chat').screenshot({ path: resolve(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

try {
  for (const [label, viewport] of [
    ['desktop', { width: 1024, height: 820 }],
    ['mobile', { width: 390, height: 844 }],
  ] as const) {
    const page = await browser.newPage({ viewport });
    await page.goto(site.url);
    await page.evaluate(() => document.querySelector('riskgate-chat')!.ready);
    await shoot(page, `${label}-ready`);
    await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.mode = 'local';
      el.maxTokens = 40;
      await el.send('Once upon a time');
    });
    await page
      .locator('riskgate-chat li.assistant details')
      .first()
      .evaluate((d) => ((d as HTMLDetailsElement).open = true));
    await shoot(page, `${label}-local-answer`);
    await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.clear();
      el.mode = 'edge';
      await el.send('Lily and Ben went to the beach.');
    });
    await shoot(page, `${label}-edge-answer`);
    await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.clear();
      el.mode = 'local';
      await el
        .send('The little dog ran to the park and played with a ball in the sun. '.repeat(40))
        .catch(() => undefined);
    });
    await shoot(page, `${label}-error`);
    // The server answered with an error: shown as that error, with Retry (not "offline", not queued).
    await page.route('**/v1/chat/completions', serverError);
    await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.clear();
      el.mode = 'edge';
      await el.send('What is the capital of France?').catch(() => undefined);
    });
    await shoot(page, `${label}-server-error`);
    await page.unroute('**/v1/chat/completions');
    await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.clear();
      el.mode = 'edge';
      el.endpoint = 'http://localhost:9';
      await el.send('What is the capital of France?');
    });
    await shoot(page, `${label}-queued`);
    await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.clear();
      el.offline = 'local';
      el.maxTokens = 30;
      await el.send('Once upon a time');
    });
    await shoot(page, `${label}-offline-local`);
    // A code answer rendered as Markdown (the edge's stream replaced by one with a fence and a list).
    await page.route('**/v1/chat/completions', (route) =>
      route.fulfill({
        contentType: 'text/event-stream',
        headers: { 'access-control-allow-origin': '*' },
        body:
          [
            ...'To build it:\n\n1. Install the tools.\n2. Run **the build**:\n\n```sh\nnpm ci\nnpm run build\n```\n'
              .match(/[\s\S]{1,4}/g)!
              .map((content) => ({ delta: { content }, finish_reason: null })),
            { delta: {}, finish_reason: 'stop' },
          ]
            .map(
              (c) =>
                `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'gpt-4-1106-preview', choices: [{ index: 0, ...c }] })}\n\n`,
            )
            .join('') + 'data: [DONE]\n\n',
      }),
    );
    await page.evaluate(async (endpoint) => {
      const el = document.querySelector('riskgate-chat')!;
      el.clear();
      el.offline = 'queue';
      el.endpoint = endpoint;
      el.mode = 'edge';
      el.maxTokens = 200;
      // The site names the speakers and gives the assistant a picture (an inline SVG).
      el.setAttribute('assistant-name', 'Build helper');
      el.setAttribute('user-name', 'You');
      el.setAttribute(
        'assistant-avatar',
        `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" fill="#0b7285"/><path d="M6 16l4-8 4 8h-8z" fill="#fff"/></svg>')}`,
      );
      await el.send('How do I build it?');
    }, proxy.url);
    await shoot(page, `${label}-code-answer`);
    await page.evaluate(() => {
      const el = document.querySelector('riskgate-chat')!;
      for (const a of ['assistant-name', 'user-name', 'assistant-avatar']) el.removeAttribute(a);
    });
    await page.unroute('**/v1/chat/completions');
    // In German, with a text file attached to the message (an edge answer).
    await page.evaluate(() => {
      const el = document.querySelector('riskgate-chat')!;
      el.clear();
      el.setAttribute('lang', 'de');
      el.maxTokens = 40;
    });
    await page.locator('riskgate-chat input[name="attachment"]').setInputFiles({
      name: 'bestellung.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Bestellung 42\n\n- blaue Tasse\n- roter Wasserkocher\n'),
    });
    await page.locator('riskgate-chat textarea[name="prompt"]').fill('Was steht in meiner Bestellung?');
    await page.locator('riskgate-chat textarea[name="prompt"]').press('Enter');
    await page.locator('riskgate-chat li.assistant[aria-busy="false"]').waitFor();
    await shoot(page, `${label}-german-attachment`);
    await page.evaluate(() => document.querySelector('riskgate-chat')!.removeAttribute('lang'));
    // Dark (the visitor's preference), with an answer and an error the server answered.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.clear();
      el.mode = 'local';
      el.maxTokens = 40;
      await el.send('Once upon a time');
    });
    await page.route('**/v1/chat/completions', serverError);
    await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.mode = 'edge';
      await el.send('What is the capital of France?').catch(() => undefined);
    });
    await page.unroute('**/v1/chat/completions');
    await shoot(page, `${label}-dark`);
    await page.emulateMedia({ colorScheme: 'light' });
    // The launcher: closed over the page, then open.
    await page.evaluate(() => {
      const el = document.querySelector('riskgate-chat')!;
      el.clear();
      el.setAttribute('layout', 'launcher');
    });
    await page.screenshot({ path: resolve(OUT, `${label}-launcher-closed.png`) });
    await page.locator('riskgate-chat button.launcher').click();
    await page.evaluate(async () => {
      await document.querySelector('riskgate-chat')!.send('Once upon a time');
    });
    await page.screenshot({ path: resolve(OUT, `${label}-launcher-open.png`) });
    console.log(`docs/screenshots/${label}-launcher-{closed,open}.png`);
    await page.close();
  }
} finally {
  await browser.close();
  await site.close();
  await proxy.close();
}
