/**
 * @module bench/widget-load
 * `npm run bench:widget`: what embedding the widget costs a page, measured in Debian's headless
 * Chromium against the production static server (brotli/gzip) with `dist/` in a sub-folder:
 * - bytes transferred (compressed, as on the wire, headers included) before the first
 *   interaction, with `preload="none"` and with `preload="auto"` (until ready);
 * - bytes and time from navigation to the first local token, cold (fresh browser context: empty
 *   HTTP cache and IndexedDB) and warm (the same context reloaded).
 * Prints the figures and writes bench-results/widget-load.json. Host page bytes are excluded.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '../node/paths.js';
import { loadConfig, startProxy } from '../edge-proxy/server.js';
import { hostPage, serveSite, siteWithWidget } from '../testing/deploy-servers.js';

const { config, baseDir } = loadConfig();
const proxy = await startProxy(8796, { config: { ...config, cors_origins: ['*'] }, baseDir });
const attrs = (preload: string) => `endpoint="${proxy.url}" mode="local" max-tokens="16" preload="${preload}"`;
const root = siteWithWidget('riskgate', {
  'none.html': hostPage('/riskgate/riskgate-chat.js', attrs('none')),
  'auto.html': hostPage('/riskgate/riskgate-chat.js', attrs('auto')),
});
const site = await serveSite(root);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking'],
});

/** Transferred bytes (compressed body + headers) of every request of the page and its workers, host page excluded. */
function sizes(page: Page) {
  const seen: Promise<number>[] = [];
  page.on('requestfinished', (r) => {
    if (!r.url().endsWith('.html'))
      seen.push(
        r
          .sizes()
          .then((s) => s.responseBodySize + s.responseHeadersSize)
          .catch(() => 0),
      );
  });
  return async () => (await Promise.all(seen)).reduce((a, b) => a + b, 0);
}

async function firstLocalToken(page: Page, url: string) {
  const started = Date.now();
  await page.goto(url);
  const ms = await page.evaluate(async (t0) => {
    const el = document.querySelector('riskgate-chat')!;
    const first = new Promise<number>((r) =>
      el.addEventListener('riskgate-token', () => r(Date.now()), { once: true }),
    );
    await el.send('Once upon a time');
    return (await first) - t0;
  }, started);
  return ms;
}

const kb = (b: number) => Math.round(b / 102.4) / 10;
const results: Record<string, unknown> = {
  browser: browser.version(),
  note: 'transferred (compressed) bytes incl. response headers; host page excluded; ORT on the WASM rung',
};
try {
  for (const preload of ['none', 'auto'] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const total = sizes(page);
    await page.goto(new URL(`/${preload}.html`, site.url).href);
    if (preload === 'auto') await page.evaluate(() => document.querySelector('riskgate-chat')!.ready);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    results[`beforeInteraction_${preload}`] = { kb: kb(await total()) };
    await context.close();
  }
  const context = await browser.newContext();
  for (const run of ['cold', 'warm'] as const) {
    const page = await context.newPage();
    const total = sizes(page);
    const ms = await firstLocalToken(page, new URL('/auto.html', site.url).href);
    results[`firstLocalToken_${run}`] = { ms, kb: kb(await total()) };
    await page.close();
  }
  await context.close();
} finally {
  await browser.close();
  await site.close();
  await proxy.close();
}
console.log(JSON.stringify(results, null, 2));
const out = resolve(REPO_ROOT, 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(resolve(out, 'widget-load.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench-results/widget-load.json');
