import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { closeOpenMarkdown } from './markdown.js';

const html = (text: string) => marked.parse(closeOpenMarkdown(text), { async: false, gfm: true, breaks: true });
/** Every prefix of `answer`, as the widget renders one per token: none may show a raw marker. */
const frames = (answer: string) => Array.from({ length: answer.length }, (_, i) => html(answer.slice(0, i + 1)));
const rawMarkers = (rendered: string) =>
  rendered.replace(/<code[^>]*>[\s\S]*?<\/code>/g, '').match(/```|\*\*|(^|>)#+ |(^|>)`/gm);

describe('closeOpenMarkdown (a streaming frame)', () => {
  it('closes an open code fence, so the code is a code block from its first line', () => {
    expect(closeOpenMarkdown('Here:\n```js\nconst a = 1;')).toBe('Here:\n```js\nconst a = 1;\n```');
    expect(html('Here:\n```js\nconst a')).toContain('<pre><code class="language-js">const a\n</code></pre>');
    expect(closeOpenMarkdown('```\na\n```\nafter')).toBe('```\na\n```\nafter');
  });

  it('closes an open inline code span and a ** run on the last line only', () => {
    expect(closeOpenMarkdown('use `npm')).toBe('use `npm`');
    expect(closeOpenMarkdown('this is **very')).toBe('this is **very**');
    expect(closeOpenMarkdown('**done** and')).toBe('**done** and');
  });

  it('holds back a marker the model has only begun', () => {
    expect(closeOpenMarkdown('Say **')).toBe('Say ');
    expect(closeOpenMarkdown('Intro\n#')).toBe('Intro\n');
    expect(closeOpenMarkdown('a `')).toBe('a ');
  });

  it('no frame of a fenced, numbered, bold answer shows a raw marker', () => {
    const answer = 'Steps:\n\n1. Install it with `npm i`.\n2. Run **the build**.\n\n```sh\nnpm run build\n```\n\nDone.';
    for (const [i, frame] of frames(answer).entries()) expect(rawMarkers(frame), `frame ${i}: ${frame}`).toBeNull();
    expect(frames(answer).at(-1)).toContain('<ol>');
  });
});
