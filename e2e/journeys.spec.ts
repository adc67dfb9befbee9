import { expect, test } from '@playwright/test';
import { createNodeEngine } from '../node/local-model.js';
import { collectDecode } from '../workers/engine/collect-decode.js';
import { loadGolden } from '../testing/golden.js';
import { events, mount, openChat, send, useStandInGate, PROXY_URL } from './fixtures.js';

const golden = loadGolden().cases.b_once_upon_a_time!;

test('a local answer streams token by token from the in-page model', async ({ page }) => {
  await openChat(page, { mode: 'local', 'max-tokens': '60' });
  const result = await send(page, golden.prompt);
  expect(result).toMatchObject({ ok: true, path: 'local', model: 'stories260K', text: golden.completion_text });
  const seen = await events(page);
  expect(seen[0]).toMatchObject({
    type: 'riskgate-decision',
    detail: { path: 'local', model: 'stories260K', costWeight: 0.5, riskLevel: 0.1 },
  });
  expect(seen.filter((e) => e.type === 'riskgate-token').length).toBe(60);
  expect(seen.at(-1)).toMatchObject({
    type: 'riskgate-done',
    detail: { path: 'local', finishReason: 'length', usage: { promptTokens: 5, completionTokens: 60 } },
  });
  await expect(page.locator('riskgate-chat li.assistant .badge')).toContainText('local');
});

test('mode="edge" streams the answer from the edge proxy, naming the model that served', async ({ page }) => {
  await openChat(page, { mode: 'edge', 'max-tokens': '60' });
  const proxied = page.waitForRequest((r) => r.url() === `${PROXY_URL}/v1/chat/completions` && r.method() === 'POST');
  const result = await send(page, golden.prompt);
  const body = (await proxied).postDataJSON();
  expect(body).toMatchObject({
    stream: true,
    messages: [{ role: 'user', content: golden.prompt }],
    router: { cost_weight: 0.5, risk_level: 0.1 },
  });
  // The gate's representation travels with the deferred prompt for the edge selector: 64 float32s.
  expect(Buffer.from(body.router.representation, 'base64').length).toBe(64 * 4);
  expect(result).toMatchObject({ ok: true, path: 'edge', model: 'stories260K', text: golden.completion_text });
  const seen = await events(page);
  expect(seen.filter((e) => e.type === 'riskgate-token').length).toBe(60);
  expect(seen.at(-1)).toMatchObject({ type: 'riskgate-done', detail: { path: 'edge', model: 'stories260K' } });
});

test('a mid-range operating point routes a prompt set both ways, exactly by score ≥ τ', async ({ page }) => {
  // A table that certifies this point (the shipped stories260K gate certifies none: honest-gate.spec.ts).
  await useStandInGate(page);
  await mount(page, {
    endpoint: 'http://localhost:8788',
    mode: 'auto',
    'gate-labels': 'any',
    'cost-weight': '0.5',
    'risk-level': '0.1',
    'max-tokens': '8',
  });
  const prompts = [
    'Once upon a time',
    'Lily and Ben went to the beach.',
    'What is the capital of France?',
    'Write a poem about the sea.',
    'In 1492, Columbus',
    'Tim had a red ball.',
  ];
  const paths: string[] = [];
  for (const prompt of prompts) {
    const r = await send(page, prompt);
    if (!r.ok) throw new Error(`send failed with ${r.code}`);
    expect(r.path).toBe(r.decision.score >= r.decision.threshold ? 'local' : 'edge');
    expect(Number.isFinite(r.decision.threshold)).toBe(true);
    paths.push(r.path);
  }
  expect(paths).toContain('local');
  expect(paths).toContain('edge');
});

test('after a reload the thresholds come from IndexedDB, not the network', async ({ page }) => {
  await openChat(page);
  const first = await send(page, 'Once upon a time');
  expect(first).toMatchObject({ ok: true, decision: { thresholdsSource: 'network' } });
  const thresholdFetches: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/thresholds.json')) thresholdFetches.push(r.url());
  });
  await page.reload();
  await openChat(page);
  const second = await send(page, 'Once upon a time');
  expect(second).toMatchObject({ ok: true, decision: { thresholdsSource: 'indexeddb' } });
  expect(thresholdFetches).toEqual([]);
  const seen = await events(page);
  expect(seen.find((e) => e.type === 'riskgate-decision')?.detail.thresholdsSource).toBe('indexeddb');
});

test('with the proxy down a deferred prompt is queued (not lost), the page says so and keeps working', async ({
  page,
}) => {
  await openChat(page, { endpoint: 'http://localhost:9', mode: 'edge', 'max-tokens': '8' });
  const queued = await send(page, 'What is the capital of France?');
  expect(queued).toMatchObject({ ok: true, path: 'edge', text: '', queued: expect.stringMatching(/^[\w-]{36}$/) });
  expect((await events(page)).find((e) => e.type === 'riskgate-queued')?.detail).toMatchObject({
    prompt: 'What is the capital of France?',
    attempts: 0,
  });
  await expect(page.locator('riskgate-chat li.user')).toHaveAttribute('data-state', 'queued');
  await expect(page.locator('riskgate-chat .connectivity')).toContainText('1 message waiting to be sent');
  await expect(page.locator('riskgate-chat .connectivity')).toContainText('cannot be reached');
  await page.evaluate(() => document.querySelector('riskgate-chat')!.setAttribute('mode', 'local'));
  const recovered = await send(page, 'Once upon a time');
  expect(recovered).toMatchObject({ ok: true, path: 'local' });
});

test('typing in the input and pressing Send shows a routed answer with its decision badge', async ({ page }) => {
  await openChat(page, { 'max-tokens': '12' });
  await page.locator('riskgate-chat textarea[name="prompt"]').fill('Once upon a time');
  await page.locator('riskgate-chat button[type="submit"]').click();
  await expect(page.locator('riskgate-chat li.assistant .badge')).toContainText(
    /Answered (on this device|by stories260K)/,
  );
  await expect(page.locator('riskgate-chat li.assistant')).toContainText('there was a little girl');
});

test('a thresholds table calibrated for another gate is refused with artifact_mismatch; the visitor still chats, with the edge', async ({
  page,
}) => {
  await page.route('**/models/thresholds.json', async (route) => {
    const real = await (await route.fetch()).json();
    await route.fulfill({ json: { ...real, gate_sha256: '0'.repeat(64) } });
  });
  await page.goto('/');
  const result = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    await el.ready;
    return {
      rung: el.capabilities!.rung,
      reason: el.capabilities!.reason,
      path: (await el.send('Once upon a time')).path,
    };
  });
  expect(result).toMatchObject({
    rung: 'edge-only',
    reason: expect.stringMatching(/^artifact_mismatch: /),
    path: 'edge',
  });
  await expect(page.locator('riskgate-chat .status > span').first()).toHaveText(
    'The on-device model could not start here, so every message goes to the server.',
  );
});

test('two prompts sent at once are answered in order, without interleaving', async ({ page }) => {
  await openChat(page, { mode: 'local', 'max-tokens': '20' });
  const results = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    const [a, b] = await Promise.all([el.send('Once upon a time'), el.send('Lily and Ben went to the beach.')]);
    return [a.text, b.text];
  });
  expect(results[0]!.startsWith(', there was a little girl')).toBe(true);
  // The second prompt is the conversation's second turn: it must read exactly as Node's engine
  // decodes that conversation (no interleaving with the first answer's decoding).
  const engine = await createNodeEngine();
  await engine.prefill([
    { role: 'user', content: 'Once upon a time' },
    { role: 'assistant', content: results[0]! },
    { role: 'user', content: 'Lily and Ben went to the beach.' },
  ]);
  expect(results[1]).toBe((await collectDecode(engine.decode({ maxTokens: 20 }))).text);
  const order = (await events(page)).map((e) => e.type).filter((t) => t !== 'riskgate-token');
  expect(order).toEqual(['riskgate-decision', 'riskgate-done', 'riskgate-decision', 'riskgate-done']);
});

test('a plain page embeds the widget with one script tag and one element, and gets an answer', async ({ page }) => {
  // A host page that is not part of our build: only the script tag and the element.
  await page.route('**/shop/product.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
      body: `<!doctype html><title>shop</title><h1>A shop</h1>
      <script type="module" src="/riskgate-chat.js"></script>
      <riskgate-chat models-url="/models/" endpoint="${PROXY_URL}" mode="local" max-tokens="12"></riskgate-chat>`,
    }),
  );
  await page.goto('/shop/product.html');
  await page.locator('riskgate-chat textarea[name="prompt"]').fill('Once upon a time');
  await page.locator('riskgate-chat button[type="submit"]').click();
  await expect(page.locator('riskgate-chat li.assistant')).toContainText(', there was a little girl');
  await expect(page.locator('riskgate-chat li.assistant .badge')).toContainText('local');
});

test('multi-turn: the second turn continues the first turn’s KV cache, after a local and after an edge answer', async ({
  page,
}) => {
  await openChat(page, { mode: 'local', 'max-tokens': '12' });
  await send(page, 'Once upon a time');
  await send(page, 'The end.');
  let done = (await events(page))
    .filter((e) => e.type === 'riskgate-done')
    .map((e) => e.detail.timings as { reusedTokens: number; prefillMs: number });
  expect(done[0]!.reusedTokens).toBe(0);
  expect(done[1]!.reusedTokens).toBeGreaterThan(5); // the prompt and the local answer stay cached

  await page.evaluate(() => {
    const el = document.querySelector('riskgate-chat')!;
    el.mode = 'edge';
  });
  await send(page, 'Lily and Ben went to the beach.');
  await page.evaluate(() => {
    const el = document.querySelector('riskgate-chat')!;
    el.mode = 'local';
  });
  await send(page, 'They saw a big fish.');
  done = (await events(page))
    .filter((e) => e.type === 'riskgate-done')
    .map((e) => e.detail.timings as { reusedTokens: number; prefillMs: number });
  // After the edge turn only the edge's reply and the new prompt are prefilled.
  expect(done[3]!.reusedTokens).toBeGreaterThan(done[1]!.reusedTokens);
  expect(done[3]!.prefillMs).toBeGreaterThan(0);
});
