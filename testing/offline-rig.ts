/**
 * @module testing/offline-rig
 * The offline-first assistant's test rig, for the journeys and the offline benchmark: a copy of the
 * built dist/ on the production server at a fixed port (stopped to take the network away, not
 * only emulated), a dedicated edge proxy behind a connection that can lose responses, and a
 * persistent browser profile.
 */
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, BrowserType, Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../playwright.config.js';
import { REPO_ROOT, STAND_IN_GATE_DIR } from '../node/paths.js';
import { startStaticServer, type StaticServer } from '../node/static-server.js';
import { startProxy, type RunningProxy } from '../edge-proxy/server.js';
import { startDroppingProxy, type DroppingProxy } from './dropping-proxy.js';

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

export type Rig = {
  dist: string;
  port: number;
  site?: StaticServer;
  proxy: RunningProxy;
  front: DroppingProxy;
  profile: string;
};
const rigs: Rig[] = [];
export async function rig(drop = 0): Promise<Rig> {
  const dist = mkdtempSync(join(tmpdir(), 'riskgate-dist-'));
  cpSync(resolve(REPO_ROOT, 'dist'), dist, { recursive: true });
  const proxy = await startProxy(0, { config: { cors_origins: ['*'] } });
  const r: Rig = {
    dist,
    port: await freePort(),
    proxy,
    front: await startDroppingProxy(proxy.url, drop),
    profile: mkdtempSync(join(tmpdir(), 'riskgate-profile-')),
  };
  rigs.push(r);
  return r;
}
/**
 * Deploys the stand-in gate (node/paths.ts) into the rig's copy of dist/, as a site owner would ship
 * another gate: its files, no stale precompressed copies, and a manifest naming their sha256. The
 * widget then needs `gate-labels="any"`. (page.route cannot stand in here: the service worker fetches.)
 */
export function deployStandInGate(r: Rig): void {
  const models = join(r.dist, 'models');
  const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  for (const name of ['gate.onnx', 'thresholds.json', 'thresholds.calibration-set.json', 'manifest.json']) {
    for (const suffix of ['.br', '.gz']) rmSync(join(models, name + suffix), { force: true });
    if (name !== 'manifest.json') copyFileSync(join(STAND_IN_GATE_DIR, name), join(models, name));
  }
  const manifest = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8')) as {
    gate: { sha256: string };
    thresholds: { sha256: string };
  };
  manifest.gate.sha256 = sha(join(models, 'gate.onnx'));
  manifest.thresholds.sha256 = sha(join(models, 'thresholds.json'));
  writeFileSync(join(models, 'manifest.json'), JSON.stringify(manifest));
}

export const siteUp = async (r: Rig) => {
  r.site = await startStaticServer({ port: r.port, distDir: r.dist, pages: true, endpoint: r.front.url, watch: true });
};
export const siteDown = async (r: Rig) => {
  await r.site?.close();
  r.site = undefined;
};
export async function closeRigs(): Promise<void> {
  for (const r of rigs.splice(0)) {
    await siteDown(r);
    await r.front.close();
    await r.proxy.close();
    rmSync(r.profile, { recursive: true, force: true });
    rmSync(r.dist, { recursive: true, force: true });
  }
}

export const launch = (playwright: { chromium: BrowserType }, r: Rig) =>
  playwright.chromium.launchPersistentContext(r.profile, {
    headless: true,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });

export async function firstVisit(
  context: BrowserContext,
  r: Rig,
  attributes: Record<string, string> = {},
): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
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

export const setAttributes = (page: Page, attributes: Record<string, string>) =>
  page.evaluate((attrs) => {
    const el = document.querySelector('riskgate-chat')!;
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  }, attributes);
