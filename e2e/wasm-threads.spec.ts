import { expect, test, type Page } from '@playwright/test';
import { mount, PROXY_URL, withoutIsolation } from './fixtures.js';

/** The local answer to a fixed prompt (greedy, so it is the same on any thread count). */
const answer = (page: Page) =>
  page.evaluate(async () => (await document.querySelector('riskgate-chat')!.send('Once upon a time')).text);

test("default: the manifest's measured thread count (1 for stories260K), named in the capabilities", async ({
  page,
}) => {
  const { caps, status } = await mount(page, { endpoint: PROXY_URL });
  expect(caps).toMatchObject({
    rung: 'onnx-wasm',
    wasmThreads: 1,
    wasmThreadsReason: 'the measured default for this model (1)',
  });
  expect(page.workers()).toHaveLength(1);
  expect(caps.reason).toContain('decision 012');
  expect(status).toContain('wasm, 1 thread)');
});

test('threads="2" on a cross-origin isolated page: ORT runs threaded and answers as on one thread', async ({
  page,
}) => {
  await mount(page, { endpoint: PROXY_URL, mode: 'local', 'max-tokens': '24' });
  const single = await answer(page);
  const { caps, status } = await mount(page, { endpoint: PROXY_URL, mode: 'local', 'max-tokens': '24', threads: '2' });
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const expected = Math.min(2, cores);
  expect(caps).toMatchObject({ rung: 'onnx-wasm', sharedArrayBuffer: true, wasmThreads: expected });
  if (expected === 2) expect(status).toContain('wasm, 2 threads)');
  else expect(caps.wasmThreadsReason).toContain('capped at the 1 cores');
  // ORT's extra threads are workers of their own: the router worker plus threads − 1.
  expect(page.workers()).toHaveLength(expected);
  expect(await answer(page)).toBe(single);
});

test('threads="2" on a page without COOP/COEP: one thread, and the reason says why', async ({ page }) => {
  await withoutIsolation(page);
  const { caps } = await mount(page, { endpoint: PROXY_URL, threads: '2' });
  expect(caps).toMatchObject({ rung: 'onnx-wasm', sharedArrayBuffer: false, wasmThreads: 1 });
  expect(caps.wasmThreadsReason).toBe('2 requested, but the page is not cross-origin isolated (no SharedArrayBuffer)');
});

test('threads that are not a count: the widget reports invalid_request and loads nothing', async ({ page }) => {
  await page.goto('/');
  const outcome = await page.evaluate(async () => {
    document.querySelector('riskgate-chat')?.remove();
    const el = document.createElement('riskgate-chat');
    el.setAttribute('threads', 'many');
    document.body.append(el);
    try {
      await el.ready;
      return 'ready';
    } catch (e) {
      return (e as { code: string }).code;
    }
  });
  expect(outcome).toBe('invalid_request');
});
