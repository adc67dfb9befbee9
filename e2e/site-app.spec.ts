/**
 * Issue 25, point 8: a site owner's installable app. The site keeps the widget in `/riskgate/`
 * and its own page at `/`; `riskgate manifest` writes the site's manifest (its name, start page,
 * scope and the widget's icons), the page registers the widget's service worker for `/`. Chromium
 * finds it installable, installs it (CDP `PWA.install`, the browser's own install path), and the
 * launched app opens the site's page, not the widget's folder, and answers, also with the network off.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../node/chromium.js';
import { REPO_ROOT } from '../node/paths.js';
import { serveSite, siteWithWidget } from '../testing/deploy-servers.js';

const HOME = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop help</title>
<link rel="manifest" href="/manifest.webmanifest"></head>
<body><main><h1>Shop help</h1>
<script type="module">import { registerOfflineApp } from '/riskgate/riskgate-chat.js'; registerOfflineApp({ scope: '/' });</script>
<riskgate-chat mode="local" max-tokens="8"></riskgate-chat></main></body></html>`;

test("a site's own app: the manifest from `riskgate manifest` installs, and the app starts on the site's page and answers offline", async () => {
  test.setTimeout(120_000);
  const root = siteWithWidget('riskgate', { 'index.html': HOME });
  // The site's manifest, written where its page links it.
  execFileSync(
    'npx',
    [
      'tsx',
      'cli/main.ts',
      'manifest',
      '--name',
      'Shop assistant',
      '--short-name',
      'Shop',
      '--start-url',
      '/',
      '--scope',
      '/',
      '--widget-url',
      '/riskgate/',
      '--out',
      join(root, 'manifest.webmanifest'),
    ],
    { cwd: REPO_ROOT, stdio: 'pipe' },
  );
  expect(JSON.parse(readFileSync(join(root, 'manifest.webmanifest'), 'utf8'))).toMatchObject({
    name: 'Shop assistant',
    start_url: '/',
    scope: '/',
  });
  const site = await serveSite(root, { headers: { 'Service-Worker-Allowed': '/' } });
  const profile = mkdtempSync(join(tmpdir(), 'riskgate-app-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    headless: true,
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    const home = new URL('/', site.url).href;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(home);
    const scope = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      await document.querySelector('riskgate-chat')!.ready;
      for (let i = 0; i < 100 && !(await caches.match(location.href)); i++)
        await new Promise((ok) => setTimeout(ok, 50));
      return registration.scope;
    });
    expect(scope).toBe(home);

    const cdp = await context.newCDPSession(page);
    expect((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors).toEqual([]);
    const { manifest } = (await cdp.send('Page.getAppManifest')) as unknown as {
      manifest: { name: string; startUrl: string; scope: string; id: string; icons: { url: string }[] };
    };
    expect(manifest).toMatchObject({ name: 'Shop assistant', startUrl: home, scope: home, id: home });
    expect(manifest.icons.map((i) => i.url)).toContain(new URL('/riskgate/icons/icon-512.png', site.url).href);

    const browser = await context.browser()!.newBrowserCDPSession();
    await browser.send('PWA.install', { manifestId: home, installUrlOrBundleUrl: home });
    const launchApp = async () => {
      const opened = context.waitForEvent('page');
      await browser.send('PWA.launch', { manifestId: home });
      const app = await opened;
      await app.waitForLoadState();
      return app;
    };
    const app = await launchApp();
    expect(app.url()).toBe(home);
    await expect(app.locator('h1')).toHaveText('Shop help');
    await app.close();

    // The installed app with the network off: the page and the widget come from the service worker.
    await context.setOffline(true);
    const offlineApp = await launchApp();
    expect(offlineApp.url()).toBe(home);
    const answer = await offlineApp.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      const r = await el.send('Once upon a time');
      return { path: r.path, text: r.text, controlled: navigator.serviceWorker.controller !== null };
    });
    expect(answer).toMatchObject({ path: 'local', controlled: true });
    expect(answer.text.length).toBeGreaterThan(0);
  } finally {
    await context.close();
    await site.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
});
