/**
 * Issue 25, point 3: the Content-Security-Policy recipes of docs/widget.md, exactly as written there, on a
 * site owner's server (the built dist/ in a sub-folder; the policy on every response the page's
 * server sends). Both paths answer: the device and the edge. No policy violation is reported.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../node/paths.js';
import { PROXY_URL } from './fixtures.js';
import { hostPage, serveSite, siteWithWidget } from '../testing/deploy-servers.js';
import type { StaticServer } from '../node/static-server.js';

const servers: StaticServer[] = [];
test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The recipe docs/widget.md gives under `name`, with its placeholders filled in. */
function readmePolicy(name: 'same-origin' | 'cdn', fill: Record<string, string>): string {
  const readme = readFileSync(resolve(REPO_ROOT, 'docs/widget.md'), 'utf8');
  const line = readme
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith(`csp-${name}: `));
  if (!line) throw new Error(`docs/widget.md has no csp-${name} recipe`);
  return Object.entries(fill).reduce((policy, [k, v]) => policy.replaceAll(k, v), line.slice(`csp-${name}: `.length));
}

async function answersBothWays(page: Page) {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
  });
  const result = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    await el.ready;
    el.mode = 'local';
    const local = await el.send('Once upon a time');
    el.mode = 'edge';
    const edge = await el.send('What is the capital of France?');
    return {
      rung: el.capabilities!.rung,
      local: { path: local.path, text: local.text },
      edge: { path: edge.path, text: edge.text },
    };
  });
  expect(violations).toEqual([]);
  expect(result.rung).toBe('onnx-wasm');
  expect(result.local.path).toBe('local');
  expect(result.local.text.length).toBeGreaterThan(0);
  expect(result.edge.path).toBe('edge');
  expect(result.edge.text.length).toBeGreaterThan(0);
}

test('the documented same-origin CSP recipe: the widget loads, answers on the device and from the edge, with no violation', async ({
  page,
}) => {
  const csp = readmePolicy('same-origin', { 'https://edge.example.com': PROXY_URL });
  const site = await serveSite(
    siteWithWidget('riskgate', {
      'shop/index.html': hostPage('/riskgate/riskgate-chat.js', `endpoint="${PROXY_URL}" max-tokens="8"`),
    }),
    { headers: { 'content-security-policy': csp } },
  );
  servers.push(site);
  await page.goto(new URL('/shop/index.html', site.url).href);
  await answersBothWays(page);
});

test('the documented CDN CSP recipe: the script from a second origin, the page under the policy, both paths answer', async ({
  page,
}) => {
  const cdn = await serveSite(siteWithWidget('riskgate', {}));
  servers.push(cdn);
  const cdnOrigin = new URL(cdn.url).origin;
  const csp = readmePolicy('cdn', { 'https://cdn.example.com': cdnOrigin, 'https://edge.example.com': PROXY_URL });
  const host = await serveSite(
    siteWithWidget(undefined, {
      'index.html': hostPage(`${cdnOrigin}/riskgate/riskgate-chat.js`, `endpoint="${PROXY_URL}" max-tokens="8"`),
    }),
    { headers: { 'content-security-policy': csp } },
  );
  servers.push(host);
  await page.goto(new URL('/index.html', host.url).href);
  await answersBothWays(page);
});
