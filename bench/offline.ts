/**
 * @module bench/offline
 * `npm run bench:offline`: the offline-first assistant's two waits, in Debian's headless Chromium
 * on a persistent profile, loopback, WASM rung:
 * - offline reload → first local token, with the service worker cold (browser relaunched with no
 *   network and the app server stopped);
 * - delivery delay: the network comes back → the queued prompt's answer is delivered.
 * Prints the figures and writes bench-results/offline.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from '../node/paths.js';
import { closeRigs, firstVisit, launch, rig, siteDown, siteUp } from '../testing/offline-rig.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const coldOffline: number[] = [];
const delivery: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const r = await rig();
    await siteUp(r);
    let context = await launch({ chromium }, r);
    await firstVisit(context, r, { mode: 'local', 'max-tokens': '8' });
    await context.close();
    await siteDown(r);
    context = await launch({ chromium }, r);
    await context.setOffline(true);
    const page = context.pages()[0] ?? (await context.newPage());
    const started = Date.now();
    await page.goto(`http://localhost:${r.port}/`);
    const firstToken = await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.mode = 'local';
      el.maxTokens = 8;
      const first = new Promise<number>((ok) =>
        el.addEventListener('riskgate-token', () => ok(Date.now()), { once: true }),
      );
      await el.send('Once upon a time');
      return first;
    });
    coldOffline.push(firstToken - started);

    await siteUp(r);
    await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      el.mode = 'edge';
      await el.send('Lily and Ben went to the beach.');
    });
    const back = Date.now();
    const delivered = page.evaluate(
      () =>
        new Promise<number>((ok) =>
          document.addEventListener('riskgate-delivered', () => ok(Date.now()), { once: true }),
        ),
    );
    await context.setOffline(false);
    delivery.push((await delivered) - back);
    await context.close();
  }
} finally {
  await closeRigs();
}
const results = {
  runs: RUNS,
  note: 'Debian Chromium headless, persistent profile, loopback, ORT WASM (CPU); network taken away by stopping the app server and emulating offline',
  offlineColdReloadToFirstLocalTokenMs: { median: median(coldOffline), all: coldOffline },
  deliveryDelayAfterNetworkReturnsMs: { median: median(delivery), all: delivery },
};
console.log(JSON.stringify(results, null, 2));
mkdirSync(resolve(REPO_ROOT, 'bench-results'), { recursive: true });
writeFileSync(resolve(REPO_ROOT, 'bench-results/offline.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench-results/offline.json');
