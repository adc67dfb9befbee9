import { expect, type Page, test } from '@playwright/test';
import { edgeAnswer, events, openChat, send } from './fixtures.js';

type Body = { messages: { role: string; content: string }[] };

/** An edge that answers with `replies` in turn (the last one again once they run out), keeping each request's body. */
async function fakeEdge(page: Page, replies: string[]): Promise<Body[]> {
  const bodies: Body[] = [];
  await page.route('**/v1/chat/completions', (route) => {
    bodies.push(route.request().postDataJSON());
    const reply = replies[Math.min(bodies.length, replies.length) - 1]!;
    return route.fulfill(edgeAnswer('shop', reply));
  });
  return bodies;
}

test('riskgate-send: the page rewrites a message (the visitor sees what is sent) or cancels it (the typed text comes back, nothing is sent)', async ({
  page,
}) => {
  await openChat(page, { mode: 'edge', 'max-tokens': '8' });
  const bodies = await fakeEdge(page, ['On its way.']);
  // The site's own handler, as a site would write it.
  await page.evaluate(() => {
    document.querySelector('riskgate-chat')!.addEventListener('riskgate-send', (event) => {
      const request = (event as CustomEvent<{ text: string }>).detail;
      if (/password/i.test(request.text)) event.preventDefault();
      else request.text = `[order 42] ${request.text}`;
    });
  });

  expect(await send(page, 'Where is my order?')).toMatchObject({ ok: true, path: 'edge', text: 'On its way.' });
  expect(bodies[0]!.messages.at(-1)).toEqual({ role: 'user', content: '[order 42] Where is my order?' });
  await expect(page.locator('riskgate-chat li.user .text')).toHaveText(['[order 42] Where is my order?']);

  // Typed and cancelled: nothing sent, nothing on screen, the text back in the box, an aborted error.
  const box = page.locator('riskgate-chat textarea[name="prompt"]');
  await box.fill('my password is hunter2');
  await box.press('Enter');
  await expect(box).toHaveValue('my password is hunter2');
  await expect(page.locator('riskgate-chat li.user')).toHaveCount(1);
  expect(bodies).toHaveLength(1);
  const errors = (await events(page)).filter((e) => e.type === 'riskgate-error').map((e) => e.detail.code);
  expect(errors).toEqual(['aborted']);
  expect(await send(page, 'and my Password?')).toEqual({ ok: false, code: 'aborted' });
});

test('Ask again drops the last answer and asks the same question with the same history; Edit takes the last message back into the box', async ({
  page,
}) => {
  await openChat(page, { mode: 'edge', 'max-tokens': '8' });
  const bodies = await fakeEdge(page, ['Hello.', 'Five.', 'Four.', 'Six.']);
  await send(page, 'Hi');
  expect(await send(page, 'What is 2+2?')).toMatchObject({ ok: true, text: 'Five.' });
  const answers = page.locator('riskgate-chat li.assistant');
  // Only the last answer offers Ask again, only the last message Edit.
  await expect(page.locator('riskgate-chat li.assistant button.ask-again')).toHaveCount(1);
  await expect(page.locator('riskgate-chat li.user button.edit')).toHaveCount(1);
  await answers.last().locator('button.ask-again').click();
  await expect(answers.last().locator('.text')).toHaveText('Four.');
  await expect(page.locator('riskgate-chat li.user .text')).toHaveText(['Hi', 'What is 2+2?']);
  await expect(answers).toHaveCount(2);
  // The dropped answer is not in the history the edge reads.
  expect(bodies[2]!.messages).toEqual([
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello.' },
    { role: 'user', content: 'What is 2+2?' },
  ]);

  await page.locator('riskgate-chat li.user').last().locator('button.edit').click();
  const box = page.locator('riskgate-chat textarea[name="prompt"]');
  await expect(box).toHaveValue('What is 2+2?');
  await expect(box).toBeFocused();
  await expect(page.locator('riskgate-chat li.user .text')).toHaveText(['Hi']);
  await box.fill('What is 3+3?');
  await box.press('Enter');
  await expect(answers.last().locator('.text')).toHaveText('Six.');
  expect(bodies[3]!.messages.slice(-2)).toEqual([
    { role: 'assistant', content: 'Hello.' },
    { role: 'user', content: 'What is 3+3?' },
  ]);
});

test('Ask again on a device answer runs the local model again from the same history (greedy: the same answer)', async ({
  page,
}) => {
  await openChat(page, { mode: 'local', 'max-tokens': '12' });
  const first = await send(page, 'Once upon a time');
  expect(first).toMatchObject({ ok: true, path: 'local' });
  const answer = page.locator('riskgate-chat li.assistant');
  await answer.locator('button.ask-again').click();
  const done = async () =>
    (await events(page)).filter((e) => e.type === 'riskgate-done').map((e) => [e.detail.path, e.detail.text]);
  await expect.poll(done).toHaveLength(2);
  expect((await done())[1]).toEqual(['local', first.ok && first.text]);
  await expect(answer).toHaveCount(1);
  await expect(page.locator('riskgate-chat li.user')).toHaveCount(1);
});

test('riskgate-answer: the page rewrites a finished answer; what it leaves is shown, returned, announced in riskgate-done and read as history', async ({
  page,
}) => {
  await openChat(page, { mode: 'edge', 'max-tokens': '8' });
  const bodies = await fakeEdge(page, ['Call us at 555-0100.', 'Mondays.']);
  await page.evaluate(() => {
    document.querySelector('riskgate-chat')!.addEventListener('riskgate-answer', (event) => {
      const answer = (event as CustomEvent<{ text: string; path: string }>).detail;
      answer.text = `${answer.text.replace(/\d{3}-\d{4}/g, '[number on our contact page]')} (${answer.path})`;
    });
  });
  expect(await send(page, 'How do I reach you?')).toMatchObject({
    ok: true,
    text: 'Call us at [number on our contact page]. (edge)',
  });
  await expect(page.locator('riskgate-chat li.assistant .text')).toHaveText(
    'Call us at [number on our contact page]. (edge)',
  );
  const done = (await events(page)).filter((e) => e.type === 'riskgate-done').map((e) => e.detail.text);
  expect(done).toEqual(['Call us at [number on our contact page]. (edge)']);
  await send(page, 'When are you open?');
  expect(bodies[1]!.messages).toEqual([
    { role: 'user', content: 'How do I reach you?' },
    { role: 'assistant', content: 'Call us at [number on our contact page]. (edge)' },
    { role: 'user', content: 'When are you open?' },
  ]);
});
