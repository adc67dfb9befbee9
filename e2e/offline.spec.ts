import { expect, test, type BrowserContext, type BrowserType, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, appendFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS } from '../playwright.config.js';
import { REPO_ROOT } from '../cli/paths.js';
import { startStaticServer, type StaticServer } from '../cli/static-server.js';
import { startProxy, type RunningProxy } from '../edge-proxy/server.js';
import { startDroppingProxy, type DroppingProxy } from './dropping-proxy.js';

// The offline-first assistant as a visitor uses it: a persistent browser profile, the built
// dist/ on the production server (stopped to take the network away, not only emulated), a
// dedicated edge proxy whose metrics count the answers it produced.
test.describe.configure({ timeout: 180_000 });

const freePort = () => new Promise<number>((ok) => { const s = createServer().listen(0, () => { const { port } = s.address() as { port: number }; s.close(() => ok(port)); }); });

type Rig = { dist: string; port: number; site?: StaticServer; proxy: RunningProxy; front: DroppingProxy; profile: string };
const rigs: Rig[] = [];
async function rig(drop = 0): Promise<Rig> {
  const dist = mkdtempSync(join(tmpdir(), 'riskgate-dist-'));
  cpSync(resolve(REPO_ROOT, 'dist'), dist, { recursive: true });
  const proxy = await startProxy(0);
  const r: Rig = { dist, port: await freePort(), proxy, front: await startDroppingProxy(proxy.url, drop), profile: mkdtempSync(join(tmpdir(), 'riskgate-profile-')) };
  rigs.push(r);
  return r;
}
const siteUp = async (r: Rig) => { r.site = await startStaticServer({ port: r.port, distDir: r.dist, pages: true, endpoint: r.front.url, watch: true }); };
const siteDown = async (r: Rig) => { await r.site?.close(); r.site = undefined; };
test.afterAll(async () => {
  for (const r of rigs.splice(0)) {
    await siteDown(r);
    await r.front.close();
    await r.proxy.close();
    rmSync(r.profile, { recursive: true, force: true });
  }
});

const launch = (playwright: { chromium: BrowserType }, r: Rig) =>
  playwright.chromium.launchPersistentContext(r.profile, { headless: true, executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

async function firstVisit(context: BrowserContext, r: Rig, attributes: Record<string, string> = {}): Promise<Page> {
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(`http://localhost:${r.port}/`);
  await setAttributes(page, attributes);
  // The service worker has precached the app and the models; the page cached itself.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    await document.querySelector('riskgate-chat')!.ready;
    for (let i = 0; i < 100 && !(await caches.match(location.href)); i++) await new Promise((ok) => setTimeout(ok, 50));
  });
  return page;
}

const setAttributes = (page: Page, attributes: Record<string, string>) => page.evaluate((attrs) => {
  const el = document.querySelector('riskgate-chat')!;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
}, attributes);

const edgeAnswers = async (r: Rig) => Number(/riskgate_decisions_total\{decision="edge"\} (\d+)/.exec(await (await fetch(`${r.proxy.url}/metrics`)).text())?.[1] ?? 0);

test('after one online visit, a reload with no network loads from the service worker and answers locally', async ({ playwright }) => {
  const r = await rig();
  await siteUp(r);
  const context = await launch(playwright, r);
  const page = await firstVisit(context, r);
  await siteDown(r);
  await context.setOffline(true);
  const started = Date.now();
  await page.reload();
  const answer = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    el.mode = 'local';
    el.maxTokens = 12;
    const r = await el.send('Once upon a time');
    return { text: r.text, path: r.path, controlled: navigator.serviceWorker.controller !== null };
  });
  console.log(`offline reload → local answer: ${Date.now() - started} ms (WASM, loopback) ${JSON.stringify(answer)}`);
  expect(answer).toMatchObject({ path: 'local', controlled: true });
  expect(answer.text.startsWith(', there was a little girl')).toBe(true);
  await context.close();
});

test('a deferred prompt offline is queued, survives a reload and a browser restart, and is delivered exactly once when the edge is back', async ({ playwright }) => {
  const r = await rig(1); // the first delivery's response is lost on the way back
  await siteUp(r);
  let context = await launch(playwright, r);
  let page = await firstVisit(context, r, { mode: 'edge', 'max-tokens': '12' });
  await context.setOffline(true);
  const queued = await page.evaluate(() => document.querySelector('riskgate-chat')!.send('Lily and Ben went to the beach.'));
  expect(queued.queued).toMatch(/^[\w-]{36}$/);
  await expect(page.locator('riskgate-chat li.user')).toHaveAttribute('data-state', 'queued');
  await expect(page.locator('riskgate-chat .connectivity')).toContainText('1 message waiting');

  await siteDown(r);
  await page.reload();
  await expect(page.locator('riskgate-chat li.user')).toHaveAttribute('data-state', 'queued');
  await expect.poll(() => page.evaluate(() => document.querySelector('riskgate-chat')!.outbox.map((e) => e.prompt))).toEqual(['Lily and Ben went to the beach.']);
  await context.close();

  // Relaunched on the same profile, network back.
  await siteUp(r);
  context = await launch(playwright, r);
  page = context.pages()[0] ?? await context.newPage();
  const delivered = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('delivered '), timeout: 60_000 });
  await page.addInitScript(() => document.addEventListener('riskgate-delivered', (e) => console.log(`delivered ${JSON.stringify((e as CustomEvent).detail)}`)));
  await page.goto(`http://localhost:${r.port}/`);
  const detail = JSON.parse((await delivered).text().slice('delivered '.length)) as { id: string; attempts: number };
  expect(detail.id).toBe(queued.queued);
  expect(detail.attempts).toBeGreaterThanOrEqual(2); // the first response was dropped
  expect(r.front.dropped()).toBe(1);
  const turns = page.locator('riskgate-chat li.user, riskgate-chat li.assistant');
  await expect(turns).toHaveCount(2);
  await expect(turns.nth(0)).toHaveAttribute('data-state', 'sent');
  await expect(turns.nth(1)).toContainText('Answered by stories260K');
  expect(await edgeAnswers(r)).toBe(1); // one upstream answer although it was sent twice
  expect(await page.evaluate(() => document.querySelector('riskgate-chat')!.outbox.length)).toBe(0);
  await context.close();
});

test('offline="local" answers on the device, marked below the quality target, and can ask the edge once back online', async ({ playwright }) => {
  const r = await rig();
  await siteUp(r);
  const context = await launch(playwright, r);
  const page = await firstVisit(context, r, { mode: 'edge', offline: 'local', 'max-tokens': '12' });
  await context.setOffline(true);
  const local = await page.evaluate(() => document.querySelector('riskgate-chat')!.send('Once upon a time'));
  expect(local).toMatchObject({ path: 'local' });
  const answer = page.locator('riskgate-chat li.assistant').first();
  await expect(answer).toContainText('below your quality target');
  await answer.getByRole('button', { name: 'Ask the server when back online' }).click();
  await expect(page.locator('riskgate-chat li.user')).toHaveAttribute('data-state', 'queued');
  await context.setOffline(false);
  await expect(page.locator('riskgate-chat li.assistant')).toHaveCount(2, { timeout: 30_000 });
  await expect(page.locator('riskgate-chat li.assistant').nth(1)).toContainText('Answered by stories260K');
  await expect(page.locator('riskgate-chat li.user')).toHaveAttribute('data-state', 'sent');
  await context.close();
});

test('a new deployment while the page is open is offered, and the conversation survives the update', async ({ playwright }) => {
  const r = await rig();
  await siteUp(r);
  const context = await launch(playwright, r);
  let page = await firstVisit(context, r, { mode: 'local', 'max-tokens': '8' });
  await page.reload(); // now controlled by the service worker
  await page.evaluate(() => document.querySelector('riskgate-chat')!.restored);
  await page.evaluate(async () => { const el = document.querySelector('riskgate-chat')!; el.mode = 'local'; el.maxTokens = 8; await el.send('Once upon a time'); });
  appendFileSync(join(r.dist, 'sw.js'), '\n// a new deployment\n');
  rmSync(join(r.dist, 'sw.js.br'), { force: true });
  rmSync(join(r.dist, 'sw.js.gz'), { force: true });
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
  const update = page.locator('riskgate-chat .connectivity button.update');
  await expect(update).toBeVisible({ timeout: 30_000 });
  const reloaded = page.waitForEvent('load');
  await update.click();
  await reloaded;
  page = context.pages()[0]!;
  await page.evaluate(() => document.querySelector('riskgate-chat')!.restored);
  await expect(page.locator('riskgate-chat li.user')).toHaveText(['Once upon a time']);
  await expect(page.locator('riskgate-chat li.assistant')).toContainText(', there was');
  await context.close();
});
