/**
 * Issue 25, point 7: text-file attachments within the local and edge context limits. A file goes
 * with the typed text as one message (the edge reads both), shows as an attachment in the
 * conversation, comes back with Edit; a binary or an oversized file is refused with a hint; a
 * message too long for the on-device model goes to the edge with the reason "context".
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { ATTACHMENT_LIMIT_CHARS, composeMessage } from '../core/chat/attachments.js';
import { en } from '../web/strings/en.js';
import { edgeAnswer, openChat } from './fixtures.js';

type Body = { messages: { role: string; content: string }[] };

async function fakeEdge(page: Page): Promise<Body[]> {
  const bodies: Body[] = [];
  await page.route('**/v1/chat/completions', (route) => {
    bodies.push(route.request().postDataJSON());
    return route.fulfill(edgeAnswer('shop', 'Two items.'));
  });
  return bodies;
}

const NOTES = '# Order notes\n\n- blue mug\n- red kettle\n';

test('a text file goes with the message, shows as an attachment, comes back with Edit; binary and oversized files are refused with a hint', async ({
  page,
}) => {
  await openChat(page, { mode: 'edge', 'max-tokens': '8' });
  const bodies = await fakeEdge(page);
  const picker = page.locator('riskgate-chat input[name="attachment"]');
  const hint = page.locator('riskgate-chat #composer-hint');
  const chips = page.locator('riskgate-chat ul.attachments li');

  // Refused, with the reason under the box; nothing attached.
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]);
  await picker.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
  await expect(hint).toHaveText(en.notText('photo.png'));
  const huge = 'x'.repeat(ATTACHMENT_LIMIT_CHARS + 1);
  await picker.setInputFiles({ name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.from(huge) });
  await expect(hint).toHaveText(en.tooLarge('huge.txt'));
  await expect(chips).toHaveCount(0);

  // Attached, removable, sent with the typed text as one message.
  await picker.setInputFiles([
    { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from(NOTES) },
    { name: 'extra.txt', mimeType: 'text/plain', buffer: Buffer.from('remove me') },
  ]);
  await expect(chips).toHaveCount(2);
  await expect(hint).toHaveCount(0);
  await page.getByRole('button', { name: 'Remove extra.txt' }).click();
  await expect(chips).toHaveText([/notes\.md/]);
  const box = page.locator('riskgate-chat textarea[name="prompt"]');
  await box.fill('How many items?');
  await box.press('Enter');
  await expect(page.locator('riskgate-chat li.assistant .text')).toHaveText('Two items.');
  expect(bodies[0]!.messages.at(-1)).toEqual({
    role: 'user',
    content: composeMessage('How many items?', [{ name: 'notes.md', text: NOTES }]),
  });
  await expect(chips).toHaveCount(0); // the box is empty for the next message
  const bubble = page.locator('riskgate-chat li.user');
  await expect(bubble.locator('.text')).toHaveText('How many items?');
  await expect(bubble.locator('details.attachment summary')).toHaveText('notes.md', { useInnerText: true });
  await bubble.locator('details.attachment summary').click();
  await expect(bubble.locator('details.attachment pre')).toHaveText(NOTES.trimEnd());
  const { violations } = await new AxeBuilder({ page }).include('riskgate-chat').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // Edit: the typed text back in the box and the file attached again.
  await bubble.locator('button.edit').click();
  await expect(box).toHaveValue('How many items?');
  await expect(chips).toHaveText([/notes\.md/]);
});

test('a file too long for the on-device model: mode="auto" sends the message to the edge with the reason "context"', async ({
  page,
}) => {
  await openChat(page, { 'max-tokens': '8' });
  const bodies = await fakeEdge(page);
  const text = 'Once upon a time there was a little dog who liked to run. '.repeat(100); // ~6k characters
  await page
    .locator('riskgate-chat input[name="attachment"]')
    .setInputFiles({ name: 'story.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.locator('riskgate-chat textarea[name="prompt"]').fill('Summarise');
  await page.locator('riskgate-chat textarea[name="prompt"]').press('Enter');
  await expect(page.locator('riskgate-chat li.assistant .text')).toHaveText('Two items.');
  const decision = await page.evaluate(
    () =>
      (window as unknown as { events: { type: string; detail: { reason: string; path: string } }[] }).events.find(
        (e) => e.type === 'riskgate-decision',
      )!.detail,
  );
  expect(decision).toMatchObject({ path: 'edge', reason: 'context' });
  expect(bodies[0]!.messages.at(-1)!.content).toContain(text);
});
