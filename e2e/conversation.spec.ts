import { expect, test } from '@playwright/test';
import { events, openChat, send } from './fixtures.js';

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
  await expect(page.locator('riskgate-chat li.user .text')).toHaveText('Once upon a time');
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

test('system-prompt is the first message the edge gets; Continue on an answer cut at the length limit asks for the rest with the cut answer in the history', async ({
  page,
}) => {
  await openChat(page, { mode: 'edge', 'max-tokens': '8', 'system-prompt': 'Answer like a pirate.' });
  const bodies: { messages: { role: string; content: string }[] }[] = [];
  const replies = [
    { text: 'Arr, once upon', finish: 'length' },
    { text: ' a time, the end.', finish: 'stop' },
  ];
  await page.route('**/v1/chat/completions', (route) => {
    bodies.push(route.request().postDataJSON());
    const reply = replies[bodies.length - 1]!;
    const chunk = (choice: object) =>
      `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'pirate', choices: [{ index: 0, ...choice }] })}\n\n`;
    return route.fulfill({
      contentType: 'text/event-stream',
      headers: { 'access-control-allow-origin': '*' },
      body: `${chunk({ delta: { content: reply.text } })}${chunk({ delta: {}, finish_reason: reply.finish })}data: [DONE]\n\n`,
    });
  });
  expect(await send(page, 'Tell me a story')).toMatchObject({ ok: true, finishReason: 'length' });
  expect(bodies[0]!.messages).toEqual([
    { role: 'system', content: 'Answer like a pirate.' },
    { role: 'user', content: 'Tell me a story' },
  ]);
  const more = page.locator('riskgate-chat li.assistant button.continue');
  await expect(more).toHaveCount(1);
  await more.click();
  await expect(page.locator('riskgate-chat li.assistant .text').nth(1)).toHaveText('a time, the end.');
  expect(bodies[1]!.messages).toEqual([
    { role: 'system', content: 'Answer like a pirate.' },
    { role: 'user', content: 'Tell me a story' },
    { role: 'assistant', content: 'Arr, once upon' },
    { role: 'user', content: 'Continue' },
  ]);
  // The finished answer needs no Continue, and the cut one is no longer the last.
  await expect(more).toHaveCount(0);
});
