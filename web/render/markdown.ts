/**
 * @module render/markdown
 * Answers are Markdown from models we do not control: parsed by marked, then sanitized by
 * DOMPurify before they reach the DOM (no raw HTML, no script, no event handler survives). While an
 * answer streams, each frame is rendered as Markdown too, with what the model has opened but not yet
 * closed (a code fence, `**`, `` ` ``) closed for that frame only, so no raw marker ever shows.
 * Code blocks are highlighted (highlight.js in its own chunk, loaded with the first code block:
 * highlight.ts); a finished answer's code blocks get a Copy button (`copyCodeBlock`).
 */
import { Marked } from 'marked';
import DOMPurify from 'dompurify';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';

/** Plain until the highlighter (a lazy chunk, ~20 kB gzipped) has loaded; then with highlighted code. */
let markdown = new Marked();
let highlighter: Promise<void> | undefined;
let highlighted = false;
const waiting = new Set<() => void>();

/** Loads the highlighter the first time an answer has a code block; each waiting widget re-renders once. */
function highlightLater(rerender: () => void): void {
  if (highlighted) return;
  waiting.add(rerender);
  highlighter ??= import('./highlight.js').then(
    (m) => {
      markdown = new Marked(m.highlightExtension());
      highlighted = true;
      for (const again of waiting) again();
      waiting.clear();
    },
    () => waiting.clear(), // offline and never cached: code stays plain
  );
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** `text` with an open code fence, inline code span or `**` run closed (for one streaming frame). */
export function closeOpenMarkdown(text: string): string {
  const lines = text.split('\n');
  let fence: string | undefined;
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (!m) continue;
    if (!fence) fence = m[1]!.slice(0, 3);
    else if (line.trim().startsWith(fence)) fence = undefined;
  }
  if (fence) return `${text}\n${fence}`;
  // A marker the model has only begun ("**", "#", "`" after a space or at a line start) would
  // show raw for a frame: it is held back until the next token says what it is.
  const held = /(^|\s)(\*{1,2}|_{1,2}|#{1,6}|`{1,2})$/.exec(text);
  const shown = held ? text.slice(0, text.length - held[2]!.length) : text;
  // Inline markers do not cross a paragraph: only the last line can hold an open one.
  const last = shown.split('\n').at(-1) ?? '';
  // A closer right after a space does not close (CommonMark flanking rules): trim first.
  if ((last.match(/`/g) ?? []).length % 2 === 1) return `${shown}\``;
  const prose = last.replace(/`[^`]*`/g, '');
  return (prose.match(/\*\*/g) ?? []).length % 2 === 1 ? `${shown.trimEnd()}**` : shown;
}

const attribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * `copyLabel`: the Copy button's word, for a finished answer (a streaming one's code is not done).
 * The button is added after sanitizing, as our own constant markup: nothing from the model is in it.
 */
export function renderMarkdown(text: string, streaming = false, copyLabel?: string, rerender?: () => void) {
  if (rerender && text.split('\n').some((line) => FENCE.test(line))) highlightLater(rerender);
  const html = markdown.parse(streaming ? closeOpenMarkdown(text) : text, { async: false, gfm: true, breaks: true });
  const safe = DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'img'],
  });
  const withCopy =
    streaming || !copyLabel
      ? safe
      : safe.replace(
          /<pre>([\s\S]*?)<\/pre>/g,
          `<div class="code-block"><pre>$1</pre><button type="button" class="link copy-code">${attribute(copyLabel)}</button></div>`,
        );
  return unsafeHTML(withCopy);
}

/**
 * A click inside an answer: on a code block's Copy, its code goes to the clipboard and the button
 * says for two seconds whether that worked.
 */
export function copyCodeBlock(event: Event, words: { copy: string; copied: string; failed: string }): void {
  const button = (event.target as Element | null)?.closest?.('button.copy-code');
  if (!(button instanceof HTMLElement)) return;
  const code = (button.previousElementSibling?.textContent ?? '').replace(/\n$/, '');
  const said = (word: string) => {
    button.textContent = word;
    setTimeout(() => {
      button.textContent = words.copy;
    }, 2_000);
  };
  void (navigator.clipboard?.writeText(code) ?? Promise.reject(new Error('no clipboard'))).then(
    () => said(words.copied),
    () => said(words.failed),
  );
}
