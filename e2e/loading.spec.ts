import { expect, test } from '@playwright/test';
import { PROXY_URL } from './fixtures.js';

test('loading reports riskgate-progress per stage with bytes; the model stage ends at its full size', async ({
  page,
}) => {
  await page.goto('/');
  const result = await page.evaluate(async (endpoint) => {
    document.querySelector('riskgate-chat')?.remove();
    const seen: { stage: string; loaded: number; total: number | null; text: string }[] = [];
    document.addEventListener('riskgate-progress', (e) => seen.push((e as CustomEvent).detail));
    const el = document.createElement('riskgate-chat');
    el.setAttribute('endpoint', endpoint);
    document.body.append(el);
    await el.ready;
    await el.updateComplete;
    const modelBytes = (await (await fetch('/models/stories260K/model.onnx')).arrayBuffer()).byteLength;
    return { seen, modelBytes, progressBarAfterReady: el.shadowRoot!.querySelector('progress') !== null };
  }, PROXY_URL);
  const stages = [...new Set(result.seen.map((p) => p.stage))];
  expect(stages).toEqual([
    'manifest',
    'gate',
    'thresholds',
    expect.any(String),
    expect.any(String),
    'compile',
    'ready',
  ]);
  expect(stages).toEqual(expect.arrayContaining(['model', 'tokenizer']));
  const model = result.seen.filter((p) => p.stage === 'model');
  expect(model.length).toBeGreaterThan(1);
  model.slice(1).forEach((p, i) => expect(p.loaded).toBeGreaterThanOrEqual(model[i]!.loaded));
  expect(model.at(-1)).toMatchObject({ loaded: result.modelBytes, total: result.modelBytes });
  expect(model.at(-1)!.text).toContain('stories260K');
  expect(result.seen.at(-1)).toMatchObject({ stage: 'ready', text: 'ready: onnx-wasm' });
  expect(result.progressBarAfterReady).toBe(false);
});

test('cancelling a slow download rejects ready with aborted; a second ready loads from scratch', async ({ page }) => {
  let held = true;
  await page.route('**/models/stories260K/model.onnx', async (route) => {
    while (held) await new Promise((r) => setTimeout(r, 50)); // a download that does not finish until released
    await route.continue();
  });
  await page.goto('/');
  const outcome = await page.evaluate(async (endpoint) => {
    document.querySelector('riskgate-chat')?.remove();
    const el = document.createElement('riskgate-chat');
    el.setAttribute('endpoint', endpoint);
    const errors: string[] = [];
    el.addEventListener('riskgate-error', (e) => errors.push((e as CustomEvent).detail.code));
    document.body.append(el);
    const ready = el.ready.then(
      () => 'ready',
      (e: { code: string }) => e.code,
    );
    await new Promise<void>((resolve) =>
      el.addEventListener('riskgate-progress', (e) => {
        if ((e as CustomEvent).detail.stage === 'thresholds') resolve();
      }),
    );
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.cancel')!.click();
    return { first: await ready, errors };
  }, PROXY_URL);
  expect(outcome).toEqual({ first: 'aborted', errors: ['aborted'] });
  held = false;
  const second = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    await el.ready;
    return el.capabilities!.rung;
  });
  expect(second).toBe('onnx-wasm');
});

test('a storage quota failure keeps the thresholds in memory and says so; routing still works', async ({ page }) => {
  await page.goto('/e2e/harness.html'); // same origin, no widget yet
  const origin = new URL(page.url()).origin;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  await page.goto('/');
  const result = await page.evaluate(async (endpoint) => {
    document.querySelector('riskgate-chat')?.remove();
    const el = document.createElement('riskgate-chat');
    el.setAttribute('endpoint', endpoint);
    el.setAttribute('max-tokens', '4');
    el.setAttribute('mode', 'local');
    document.body.append(el);
    await el.ready;
    await el.updateComplete;
    const answer = await el.send('Once upon a time');
    return {
      notice: el.status!.storageNotice,
      source: el.status!.thresholdsSource,
      line: el.shadowRoot!.querySelector('.status')!.textContent,
      path: answer.path,
    };
  }, PROXY_URL);
  expect(result.notice).toMatch(/thresholds kept in memory only \(IndexedDB: QuotaExceededError\)/);
  expect(result.source).toBe('network');
  expect(result.line).toContain(
    '⚠ This browser could not keep the answer settings, so they are fetched again next visit.',
  );
  expect(result.line).toContain('thresholds kept in memory only'); // the code's words, in the details
  expect(result.path).toBe('local');
});
