import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { openChat, send } from './fixtures.js';

// How an answer looks while it streams and after: sanitized Markdown, lists and code, and a
// conversation that follows the reader (or leaves them where they scrolled).
test('answers render Markdown sanitized: no raw HTML or script from a model reaches the page', async ({ page }) => {
  await openChat(page, { mode: 'edge', 'max-tokens': '8' });
  await page.route('**/v1/chat/completions', (route) =>
    route.fulfill({
      contentType: 'text/event-stream',
      headers: { 'access-control-allow-origin': '*' },
      body: `${[
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
        .join('')}data: [DONE]\n\n`,
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
    // Plain while the highlighter loads (the page's first code block), highlighted once it has.
    expect(last).toMatch(/<pre><code class="(hljs )?language-sh">/);
    await expect(page.locator('riskgate-chat li.assistant pre code')).toHaveClass('hljs language-sh');
    await expect(page.locator('riskgate-chat li.assistant pre code')).toHaveText('npm run build');
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

test('code blocks are highlighted, and a finished answer’s code block has a Copy button that copies the code alone', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const code = 'const total = items.length; // how many\nconsole.log("total", total);';
  const answer = `Count them:\n\n\`\`\`js\n${code}\n\`\`\`\n\nAnd <button>this</button> is not a button.`;
  await page.route('**/v1/chat/completions', (route) =>
    route.fulfill({
      contentType: 'text/event-stream',
      headers: { 'access-control-allow-origin': '*' },
      body: `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'shop', choices: [{ index: 0, delta: { content: answer }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`,
    }),
  );
  await openChat(page, { mode: 'edge', 'max-tokens': '200' });
  await page.evaluate(() => document.querySelector('riskgate-chat')!.send('How many?'));
  const block = page.locator('riskgate-chat li.assistant .code-block');
  await expect(block.locator('.hljs-keyword').first()).toHaveText('const');
  await expect(block.locator('.hljs-comment')).toHaveText('// how many');
  await expect(block.locator('.hljs-string')).toHaveText('"total"');
  // Only our Copy button: the model's <button> is not rendered as one.
  await expect(page.locator('riskgate-chat li.assistant .text button')).toHaveCount(1);
  const copy = block.locator('button.copy-code');
  await copy.click();
  await expect(copy).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
  await expect(copy).toHaveText('Copy code', { timeout: 5_000 });
});
