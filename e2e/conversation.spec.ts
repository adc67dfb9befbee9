import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { events, openChat, send, useStandInGate } from './fixtures.js';

test('a 12-turn conversation: every turn has a non-empty answer or a visible explanation; the local model reads the latest turns that fit', async ({
  page,
}) => {
  await openChat(page, { mode: 'auto', 'max-tokens': '64' });
  const prompts = [
    'Once upon a time',
    'Lily had a red ball.',
    'What is the capital of France?',
    'Tell me more about the dog.',
    'The sun was hot.',
    'Why did Tom cry?',
    'Write a story about a cat.',
    'Then what happened?',
    'Ben went to the park.',
    'Explain photosynthesis.',
    'The end.',
    'One more story please.',
  ];
  for (const [i, prompt] of prompts.entries()) {
    const r = await send(page, prompt);
    expect(r.ok, `turn ${i + 1}`).toBe(true);
    const answer = page.locator('riskgate-chat li.assistant').nth(i);
    if (r.ok && r.text.trim() === '')
      await expect(answer.locator('.note', { hasText: 'returned no text' })).toBeVisible();
    else await expect(answer.locator('.text')).not.toBeEmpty();
  }
  const decisions = (await events(page))
    .filter((e) => e.type === 'riskgate-decision')
    .map((e) => e.detail as { path: string; droppedMessages: number; reason: string });
  expect(decisions).toHaveLength(12);
  // By the late turns the window is full: earlier messages are dropped, never the answer.
  const dropped = decisions.filter((d) => d.droppedMessages > 0);
  expect(dropped.length).toBeGreaterThan(0);
  const done = (await events(page))
    .filter((e) => e.type === 'riskgate-done')
    .map(
      (e) =>
        e.detail as { usage: { promptTokens: number; completionTokens: number }; finishReason: string; path: string },
    );
  for (const d of done.filter((x) => x.path === 'local')) expect(d.usage.promptTokens + 64).toBeLessThanOrEqual(512);
  const localDropped = decisions.findIndex((d) => d.droppedMessages > 0 && d.path === 'local');
  if (localDropped >= 0)
    await expect(page.locator('riskgate-chat li.assistant').nth(localDropped).locator('.note').first()).toContainText(
      'read only the latest part',
    );
});

test('a prompt too long for the local window: mode=local fails with context_window_exceeded, auto defers with reason context', async ({
  page,
}) => {
  await openChat(page, { mode: 'local', 'max-tokens': '16' });
  const long = 'The little dog ran to the park and played with a ball in the sun. '.repeat(40); // ≈3,000 characters
  expect(await send(page, long)).toEqual({ ok: false, code: 'context_window_exceeded' });
  await expect(page.locator('riskgate-chat li.error')).toContainText('too long for the on-device model');
  await page.evaluate(() => document.querySelector('riskgate-chat')!.removeAttribute('mode'));
  const auto = await send(page, long);
  expect(auto).toMatchObject({ ok: true, path: 'edge', decision: { reason: 'context' } });
  const answer = page.locator('riskgate-chat li.assistant').last();
  await expect(answer.locator('.note').first()).toContainText('Too long for the on-device model');
  // The edge reads the long prompt's last part and still answers (not an empty reply).
  expect(auto.ok && auto.text.length).toBeGreaterThan(0);
});

test('attributes: removing one restores its default; an invalid value is refused with invalid_request and the previous value kept', async ({
  page,
}) => {
  await openChat(page, { mode: 'edge', 'max-tokens': '8' });
  const result = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    const codes: string[] = [];
    el.addEventListener('riskgate-error', (e) => codes.push((e as CustomEvent).detail.code));
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    el.removeAttribute('mode');
    await el.updateComplete;
    const afterRemove = el.mode;
    const r = await el.send('Once upon a time');
    el.setAttribute('mode', 'sideways');
    el.setAttribute('risk-level', '2');
    el.setAttribute('max-tokens', '-3');
    await el.updateComplete;
    el.costWeight = Number.NaN;
    await el.updateComplete;
    console.warn = warn;
    return {
      afterRemove,
      path: r.decision.path,
      reason: r.decision.reason,
      mode: el.mode,
      risk: el.riskLevel,
      max: el.maxTokens,
      cw: el.costWeight,
      codes,
      warnings: warnings.length,
    };
  });
  expect(result).toMatchObject({
    afterRemove: 'auto',
    reason: 'gate',
    mode: 'auto',
    risk: 0.1,
    max: 8,
    cw: 0.5,
    codes: ['invalid_request', 'invalid_request', 'invalid_request', 'invalid_request'],
    warnings: 4,
  });
  expect(['local', 'edge']).toContain(result.path);
  expect(await send(page, '   ')).toEqual({ ok: false, code: 'invalid_request' });
});

for (const mode of ['local', 'edge'] as const) {
  test(`Stop mid-answer on the ${mode} path ends with finishReason aborted and keeps the text so far`, async ({
    page,
  }) => {
    await openChat(page, { mode, 'max-tokens': '400' });
    const outcome = await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      let tokens = 0;
      el.addEventListener('riskgate-token', () => {
        if (++tokens === 3) el.shadowRoot!.querySelector<HTMLButtonElement>('button.stop')!.click();
      });
      const done = new Promise<{ finishReason: string; text: string; usage: { completionTokens: number } }>((resolve) =>
        el.addEventListener('riskgate-done', (e) => resolve((e as CustomEvent).detail), { once: true }),
      );
      const r = await el.send('Once upon a time');
      return { ...(await done), sendFinish: r.finishReason, sent: r.text };
    });
    expect(outcome.finishReason).toBe('aborted');
    expect(outcome.sendFinish).toBe('aborted');
    expect(outcome.text.length).toBeGreaterThan(0);
    expect(outcome.usage.completionTokens).toBeLessThan(400);
    await expect(page.locator('riskgate-chat li.assistant .note')).toContainText('Stopped');
    // The widget keeps working after a stop.
    const next = await send(page, 'The end.');
    expect(next.ok).toBe(true);
  });
}

test('Escape in the message box stops the answer being produced; Copy says it copied, then goes back', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openChat(page, { mode: 'local', 'max-tokens': '400' });
  const stopped = await page.evaluate(async () => {
    const el = document.querySelector('riskgate-chat')!;
    let tokens = 0;
    el.addEventListener('riskgate-token', () => {
      if (++tokens === 3)
        el.shadowRoot!.querySelector('textarea')!.dispatchEvent(
          new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
        );
    });
    const r = await el.send('Once upon a time');
    return { finishReason: r.finishReason, text: r.text };
  });
  expect(stopped.finishReason).toBe('aborted');
  await expect(page.locator('riskgate-chat li.assistant .note')).toContainText('Stopped');
  const copy = page.locator('riskgate-chat li.assistant button.copy').last();
  await copy.click();
  await expect(copy).toHaveText('Copied');
  await expect(page.locator('riskgate-chat [aria-live="polite"]')).toHaveText('Copied to the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(stopped.text);
  await expect(copy).toHaveText('Copy', { timeout: 5_000 });
});

test('keyboard only: Tab to the message box, Enter sends, focus stays in the box, the answer is announced', async ({
  page,
}) => {
  await openChat(page, { mode: 'local', 'max-tokens': '12' });
  for (let i = 0; i < 12; i++) {
    const name = await page.evaluate(() =>
      document.querySelector('riskgate-chat')!.shadowRoot!.activeElement?.getAttribute('name'),
    );
    if (name === 'prompt') break;
    await page.keyboard.press('Tab');
  }
  await page.keyboard.type('Once upon a time');
  await page.keyboard.press('Enter');
  await expect(page.locator('riskgate-chat li.assistant')).toContainText(', there was a little girl');
  expect(
    await page.evaluate(() => document.querySelector('riskgate-chat')!.shadowRoot!.activeElement?.getAttribute('name')),
  ).toBe('prompt');
  await expect(page.locator('riskgate-chat [aria-live="polite"]')).toContainText(
    'Answered on this device: , there was a little girl',
  );
  // Clicking Send also leaves focus in the box.
  await page.locator('riskgate-chat textarea[name="prompt"]').fill('The end.');
  await page.locator('riskgate-chat button[type="submit"]').click();
  expect(
    await page.evaluate(() => document.querySelector('riskgate-chat')!.shadowRoot!.activeElement?.getAttribute('name')),
  ).toBe('prompt');
  await expect(page.getByLabel('Your message')).toBeVisible();
});

test('answers render Markdown sanitized: no raw HTML or script from a model reaches the page', async ({ page }) => {
  await openChat(page, { mode: 'edge', 'max-tokens': '8' });
  await page.route('**/v1/chat/completions', (route) =>
    route.fulfill({
      contentType: 'text/event-stream',
      headers: { 'access-control-allow-origin': '*' },
      body:
        [
          {
            choices: [
              {
                index: 0,
                delta: { content: '**bold** <img src=x onerror="window.pwned=1"><script>window.pwned=2</script>' },
              },
            ],
          },
          { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], model: 'hostile' },
        ]
          .map(
            (d) =>
              `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'hostile', ...d })}\n\n`,
          )
          .join('') + 'data: [DONE]\n\n',
    }),
  );
  const r = await send(page, 'Hello');
  expect(r).toMatchObject({ ok: true, model: 'hostile' });
  const html = await page.locator('riskgate-chat li.assistant .text').innerHTML();
  expect(html).toContain('<strong>bold</strong>');
  expect(html).not.toMatch(/<img|<script|onerror/);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
});

test('a streamed Markdown answer shows no raw marker in any frame (fence, numbered list, bold, code) and renders lists as lists', async ({
  page,
}) => {
  const answer = 'Steps:\n\n1. Install it with `npm i`.\n2. Run **the build**.\n\n```sh\nnpm run build\n```\n\nDone.';
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'markdown', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  // A real stream, a few characters every 15 ms, so the widget renders frame after frame.
  const upstream = createServer((req, res) => {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*',
      'access-control-allow-methods': 'GET, POST',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (req.url?.startsWith('/health')) {
      res.writeHead(200, { ...cors, 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    res.writeHead(200, { ...cors, 'content-type': 'text/event-stream' });
    const pieces = answer.match(/[\s\S]{1,3}/g)!;
    let i = 0;
    const timer = setInterval(() => {
      if (i < pieces.length) {
        res.write(chunk({ content: pieces[i++] }));
        return;
      }
      clearInterval(timer);
      res.end(`${chunk({}, 'stop')}data: [DONE]\n\n`);
    }, 15);
  });
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
  try {
    await openChat(page, {
      mode: 'edge',
      'max-tokens': '200',
      endpoint: `http://localhost:${(upstream.address() as AddressInfo).port}`,
    });
    const frames = await page.evaluate(async () => {
      const el = document.querySelector('riskgate-chat')!;
      const seen: string[] = [];
      const observer = new MutationObserver(() => {
        const text = [...el.shadowRoot!.querySelectorAll('li.assistant .text')].at(-1);
        if (text) seen.push(text.innerHTML);
      });
      observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
      await el.send('How do I build it?');
      observer.disconnect();
      return seen;
    });
    expect(frames.length).toBeGreaterThan(10);
    const outsideCode = (frame: string) => frame.replace(/<code[^>]*>[\s\S]*?<\/code>/g, '').replace(/<[^>]+>/g, '');
    for (const frame of frames) expect(outsideCode(frame), frame).not.toMatch(/```|\*\*|`|(^|\n)#/);
    const last = frames.at(-1)!;
    expect(last).toContain('<ol>');
    expect(last).toMatch(/<pre><code class="language-sh">npm run build/);
    // The answer's list is a numbered list, not message bubbles.
    const style = await page
      .locator('riskgate-chat li.assistant .text ol li')
      .first()
      .evaluate((li) => ({
        list: getComputedStyle(li.parentElement!).listStyleType,
        background: getComputedStyle(li).backgroundColor,
      }));
    expect(style).toEqual({ list: 'decimal', background: 'rgba(0, 0, 0, 0)' });
  } finally {
    upstream.closeAllConnections();
    upstream.close();
  }
});

test('a visitor who scrolled up to read is not pulled down by a new answer, and gets a cue that brings them back', async ({
  page,
}) => {
  await openChat(page, { mode: 'local', 'max-tokens': '60' });
  await page.evaluate(() => {
    document.querySelector('riskgate-chat')!.style.setProperty('--riskgate-max-height', '420px');
  });
  for (const prompt of ['Once upon a time', 'Lily and Ben went to the park.', 'The cat sat on the mat.'])
    await send(page, prompt);
  const list = page.locator('riskgate-chat ol.messages');
  const atEnd = () => list.evaluate((ol) => Math.abs(ol.scrollHeight - ol.scrollTop - ol.clientHeight) < 2);
  expect(await list.evaluate((ol) => ol.scrollHeight > ol.clientHeight)).toBe(true);
  expect(await atEnd()).toBe(true);
  // The composer stays in view: the widget is bounded, the conversation scrolls.
  await expect(page.locator('riskgate-chat textarea[name="prompt"]')).toBeInViewport();
  await list.evaluate((ol) => {
    ol.scrollTop = 0;
    ol.dispatchEvent(new Event('scroll'));
  });
  // An answer arrives below while they read (here the site sends one through the element's API).
  await send(page, 'Tom had a big red ball.');
  const cue = page.locator('riskgate-chat button.new-messages');
  await expect(cue).toBeVisible();
  expect(await list.evaluate((ol) => ol.scrollTop)).toBe(0);
  await cue.click();
  await expect(cue).toHaveCount(0);
  await expect.poll(atEnd).toBe(true);
});

test('Clear empties the conversation and the tally counts what was answered where', async ({ page }) => {
  await openChat(page, { mode: 'local', 'max-tokens': '8' });
  await send(page, 'Once upon a time');
  await page.evaluate(() => {
    document.querySelector('riskgate-chat')!.mode = 'edge';
  });
  await send(page, 'Once upon a time');
  const stats = await page.evaluate(() => document.querySelector('riskgate-chat')!.stats);
  expect(stats).toMatchObject({ prompts: 2, answeredLocally: 1, answeredByEdge: 1 });
  expect(stats.tokensKeptOnDevice).toBe(5 + 8);
  await expect(page.locator('riskgate-chat footer')).toContainText('Answered on this device: 1 of 2');
  await page.locator('riskgate-chat button.clear').click();
  await expect(page.locator('riskgate-chat li.user')).toHaveCount(0);
  // Undo brings the conversation back, for a few seconds after.
  await page.locator('riskgate-chat button.undo').click();
  await expect(page.locator('riskgate-chat li.user')).toHaveCount(2);
  await expect(page.locator('riskgate-chat [aria-live="polite"]')).toHaveText('Conversation restored.');
  await expect(page.locator('riskgate-chat button.undo')).toHaveCount(0);
});

test('a welcome message and starter prompts in an empty conversation; a starter sends itself and the list goes', async ({
  page,
}) => {
  await openChat(page, {
    mode: 'local',
    'max-tokens': '8',
    welcome: 'Hi! I can tell stories.',
    starters: 'Once upon a time | Tell me about a cat',
  });
  await expect(page.locator('riskgate-chat li.empty')).toContainText('Hi! I can tell stories.');
  const starters = page.getByRole('group', { name: 'Suggested messages' }).getByRole('button');
  await expect(starters).toHaveText(['Once upon a time', 'Tell me about a cat']);
  await starters.first().click();
  await expect(page.locator('riskgate-chat li.user')).toHaveText('Once upon a time');
  await expect(page.locator('riskgate-chat li.assistant .badge')).toContainText('Answered on this device');
  await expect(page.locator('riskgate-chat li.empty')).toHaveCount(0);
  // Too many starters are refused with invalid_request; the previous ones are kept.
  const code = await page.evaluate(
    () =>
      new Promise<string>((ok) => {
        const el = document.querySelector('riskgate-chat')!;
        el.addEventListener('riskgate-error', (e) => ok((e as CustomEvent<{ code: string }>).detail.code), {
          once: true,
        });
        el.setAttribute('starters', 'a|b|c|d|e|f|g');
      }),
  );
  expect(code).toBe('invalid_request');
});

test('the message box grows with what is typed, up to a limit', async ({ page }) => {
  await openChat(page, { mode: 'local', 'max-tokens': '8' });
  const box = page.locator('riskgate-chat textarea[name="prompt"]');
  const one = await box.evaluate((t) => t.getBoundingClientRect().height);
  await box.fill('line\n'.repeat(4));
  const five = await box.evaluate((t) => t.getBoundingClientRect().height);
  await box.fill('line\n'.repeat(40));
  const many = await box.evaluate((t) => t.getBoundingClientRect().height);
  expect(five).toBeGreaterThan(one * 2);
  expect(many).toBeLessThan(one * 8);
});

test('"Not good enough?" on a local answer asks the larger model now: both answers stay, and the page gets the feedback', async ({
  page,
}) => {
  await openChat(page, { mode: 'local', 'max-tokens': '12' });
  const local = await send(page, 'Once upon a time');
  expect(local).toMatchObject({ ok: true, path: 'local' });
  const first = page.locator('riskgate-chat li.assistant').first();
  const ask = first.getByRole('button', { name: 'Not good enough? Ask the larger model' });
  await ask.click();
  const second = page.locator('riskgate-chat li.assistant').nth(1);
  await expect(second.locator('.text')).not.toBeEmpty();
  await expect(second).toContainText('Answered by'); // the edge's badge, under the device's answer
  await expect(ask).toHaveCount(0); // asked once
  await expect(first.locator('.text')).toHaveText((local as { text: string }).text.trim());
  // The feedback comes once the edge's answer has finished.
  const feedbackOf = async () =>
    (await events(page))
      .filter((e) => e.type === 'riskgate-feedback')
      .map((e) => e.detail as { prompt: string; local: string; edge: string; decision: { path: string } });
  await expect.poll(async () => (await feedbackOf()).length).toBe(1);
  const feedback = await feedbackOf();
  expect(feedback[0]).toMatchObject({
    prompt: 'Once upon a time',
    local: (local as { text: string }).text,
    decision: { path: 'local' },
  });
  expect(feedback[0]!.edge.length).toBeGreaterThan(0);
  const decisions = (await events(page))
    .filter((e) => e.type === 'riskgate-decision')
    .map((e) => e.detail as { path: string; reason: string });
  expect(decisions.map((d) => d.path)).toEqual(['local', 'edge']);
  // One prompt, answered in the end by the larger model: nothing was kept off the server.
  await expect(page.locator('riskgate-chat footer .tally')).toHaveText('Answered on this device: 0 of 1');
});

test.describe(() => {
  // The stand-in gate is served by page.route, which a service worker's own fetches bypass (the reload).
  test.use({ serviceWorkers: 'block' });
  test('with adapt-threshold="feedback", "Not good enough?" on an answer the gate kept here raises the stored threshold, which survives a reload', async ({
    page,
  }) => {
    await useStandInGate(page); // certified points to adapt (the shipped stories260K gate certifies none)
    const openAdaptive = async () => {
      await page.goto('/');
      await page.evaluate(async () => {
        document.querySelector('riskgate-chat')?.remove();
        const el = document.createElement('riskgate-chat');
        for (const [k, v] of Object.entries({
          endpoint: 'http://localhost:8788',
          'adapt-threshold': 'feedback',
          'gate-labels': 'any',
          'cost-weight': '8',
          'risk-level': '0.3',
          'max-tokens': '8',
        }))
          el.setAttribute(k, v);
        document.body.append(el);
        const w = window as unknown as { events: { type: string; detail: unknown }[] };
        w.events = [];
        for (const type of ['riskgate-decision', 'riskgate-done', 'riskgate-feedback', 'riskgate-threshold'])
          document.addEventListener(type, (e) => w.events.push({ type, detail: (e as CustomEvent).detail }));
        await el.ready;
      });
    };
    const stored = () =>
      page.evaluate(async () => {
        const gate = (await document.querySelector('riskgate-chat')!.ready).gateSha256;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open('keyval-store');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const value = await new Promise<unknown>((resolve) => {
          const r = db.transaction('keyval').objectStore('keyval').get(`riskgate:online:${gate}`);
          r.onsuccess = () => resolve(r.result);
        });
        db.close();
        return (
          value as
            | {
                points: Record<
                  string,
                  {
                    state: {
                      threshold: number;
                      steps: number;
                      falseAcceptances: number;
                      stepSize: number;
                      riskLevel: number;
                    };
                  }
                >;
              }
            | undefined
        )?.points['[8,0.3,null]']?.state;
      });
    await openAdaptive();
    // The gate keeps the first of these it scores above τ(8, 0.3) on the device.
    let local: { decision: { id: string; threshold: number; calibratedThreshold: number; reason: string } } | undefined;
    for (const prompt of [
      'Once upon a time',
      'Lily and Ben went to the park.',
      'The cat sat on the mat.',
      'Tom had a big red ball.',
    ]) {
      const r = (await send(page, prompt)) as unknown as {
        ok: boolean;
        path: string;
        decision: { id: string; threshold: number; calibratedThreshold: number; reason: string };
      };
      expect(r.ok).toBe(true);
      if (r.path === 'local') {
        local = r;
        break;
      }
    }
    expect(local, 'one of the prompts is answered on the device at the most accepting operating point').toBeDefined();
    expect(local!.decision.reason).toBe('gate');
    const before = (await stored())!;
    expect(before.steps).toBeGreaterThanOrEqual(1);
    expect(before.falseAcceptances).toBe(0);
    // Each silent gate decision lowered τ by γα from the calibrated one.
    expect(before.threshold).toBeCloseTo(local!.decision.calibratedThreshold - before.steps * before.stepSize * 0.3, 9);

    await page.getByRole('button', { name: 'Not good enough? Ask the larger model' }).first().click();
    // The edge answers, and the report moves τ up by γ (the step corrected from err 0 to err 1).
    await expect.poll(async () => (await events(page)).filter((e) => e.type === 'riskgate-threshold').length).toBe(1);
    const after = (await stored())!;
    expect(after.falseAcceptances).toBe(1);
    expect(after.threshold).toBeCloseTo(before.threshold + before.stepSize, 9);
    const moved = (await events(page)).find((e) => e.type === 'riskgate-threshold')!.detail;
    expect(moved).toMatchObject({ costWeight: 8, riskLevel: 0.3, reportedShortfalls: 1, threshold: after.threshold });
    await expect(page.locator('riskgate-chat .operating-point .adapted')).toContainText(
      '1 answer reported as not good enough',
    );
    await page.screenshot({ path: 'test-results/adaptive-threshold.png' });

    // Reloaded, the widget routes with the adapted τ and still says so.
    await openAdaptive();
    await expect(page.locator('riskgate-chat .operating-point .adapted')).toContainText(
      '1 answer reported as not good enough',
    );
    const next = (await send(page, 'The dog ran fast.')) as unknown as {
      decision: { threshold: number; calibratedThreshold: number };
    };
    expect(next.decision.threshold).toBeCloseTo(after.threshold, 9);
    expect(next.decision.calibratedThreshold).toBe(local!.decision.calibratedThreshold);
  });
});

test('risk-control="per-cluster": each prompt is decided by its cluster\'s own threshold, the cluster the offline k-means assigns', async ({
  page,
}) => {
  const { readFileSync } = await import('node:fs');
  const { createNodeEngine } = await import('../node/local-model.js');
  const { nearestCentroid } = await import('../core/clustering/nearest-centroid.js');
  const { clusterModelOf } = await import('../core/calibration/cluster-table.js');
  const { STAND_IN_GATE_DIR } = await import('../node/paths.js');
  const table = JSON.parse(readFileSync(`${STAND_IN_GATE_DIR}/thresholds.json`, 'utf8'));
  await useStandInGate(page);
  await page.goto('/');
  const status = await page.evaluate(async () => {
    document.querySelector('riskgate-chat')?.remove();
    const el = document.createElement('riskgate-chat');
    for (const [k, v] of Object.entries({
      endpoint: 'http://localhost:8788',
      conversation: '',
      'risk-control': 'per-cluster',
      'gate-labels': 'any',
      'cost-weight': '1',
      'risk-level': '0.1',
      'max-tokens': '4',
    }))
      el.setAttribute(k, v);
    document.body.append(el);
    return { riskControl: (await el.ready).riskControl };
  });
  expect(status.riskControl).toBe('per-cluster');
  const engine = await createNodeEngine();
  const groups = new Set<number>();
  for (const prompt of [
    'Once upon a time',
    'What is 17 times 23?',
    'Which planet is largest?',
    'Lily and Ben went to the park.',
    'Explain how vaccines work.',
  ]) {
    const r = (await send(page, prompt)) as unknown as {
      decision: { group: number; threshold: number; reason: string; path: string; score: number };
    };
    const hidden = (await engine.prefill([{ role: 'user', content: prompt }])).hiddenState;
    engine.reset();
    const expected = nearestCentroid(clusterModelOf(table.clusters), hidden);
    expect(r.decision.group, prompt).toBe(expected);
    const row = table.clusters.rows.find(
      (c: { cluster: number; cost_weight: number; risk_level: number }) =>
        c.cluster === expected && c.cost_weight === 1 && c.risk_level === 0.1,
    );
    expect(r.decision.threshold).toBeCloseTo(row.threshold, 6);
    expect(r.decision.path).toBe(r.decision.score >= r.decision.threshold ? 'local' : 'edge');
    groups.add(expected);
  }
  expect(groups.size).toBeGreaterThan(1); // the prompts do not all fall in one cluster
});

test('risk-control="per-cluster" with adapt-threshold="feedback": each cluster\'s τ adapts on its own from that cluster\'s calibrated τ', async ({
  page,
}) => {
  const { readFileSync } = await import('node:fs');
  const { STAND_IN_GATE_DIR } = await import('../node/paths.js');
  const table = JSON.parse(readFileSync(`${STAND_IN_GATE_DIR}/thresholds.json`, 'utf8')) as {
    rows: { threshold: number | string }[];
    clusters: { rows: { cluster: number; cost_weight: number; risk_level: number; threshold: number | string }[] };
  };
  const floor = Math.min(
    ...[...table.rows, ...table.clusters.rows]
      .map((r) => r.threshold)
      .filter((t): t is number => typeof t === 'number'),
  );
  await useStandInGate(page);
  await page.goto('/');
  await page.evaluate(async () => {
    document.querySelector('riskgate-chat')?.remove();
    const el = document.createElement('riskgate-chat');
    for (const [k, v] of Object.entries({
      endpoint: 'http://localhost:8788',
      conversation: '',
      'risk-control': 'per-cluster',
      'adapt-threshold': 'feedback',
      'gate-labels': 'any',
      'cost-weight': '1',
      'risk-level': '0.1',
      'max-tokens': '4',
    }))
      el.setAttribute(k, v);
    document.body.append(el);
    await el.ready;
  });
  const seen = new Map<number, number>();
  for (const prompt of [
    'Once upon a time',
    'Once upon a time there was a cat',
    'What is 17 times 23?',
    'What is 18 times 24?',
    'Lily and Ben went to the park.',
    'Lily and Tom went to the shop.',
  ]) {
    const { decision } = (await send(page, prompt)) as unknown as {
      decision: { group: number; threshold: number; calibratedThreshold: number };
    };
    const row = table.clusters.rows.find(
      (c) => c.cluster === decision.group && c.cost_weight === 1 && c.risk_level === 0.1,
    )!;
    expect(decision.calibratedThreshold).toBeCloseTo(row.threshold as number, 6);
    // Each earlier silent decision in the same cluster lowered its τ by γα = 0.3 × 0.1.
    const before = seen.get(decision.group) ?? 0;
    expect(decision.threshold, prompt).toBeCloseTo(Math.max(floor, (row.threshold as number) - before * 0.3 * 0.1), 6);
    seen.set(decision.group, before + 1);
  }
  expect([...seen.values()].some((n) => n > 1)).toBe(true); // some cluster saw more than one prompt
});
