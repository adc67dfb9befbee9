/**
 * @module render/markdown
 * Answers are Markdown from models we do not control: parsed by marked, then sanitized by
 * DOMPurify before they reach the DOM (no raw HTML, no script, no event handler survives). While an
 * answer streams, each frame is rendered as Markdown too, with what the model has opened but not yet
 * closed (a code fence, `**`, `` ` ``) closed for that frame only, so no raw marker ever shows.
 */
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';

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

export function renderMarkdown(text: string, streaming = false) {
  const html = marked.parse(streaming ? closeOpenMarkdown(text) : text, { async: false, gfm: true, breaks: true });
  return unsafeHTML(
    DOMPurify.sanitize(html, {
      USE_PROFILES: { html: true },
      FORBID_TAGS: ['style', 'form', 'input', 'button', 'img'],
    }),
  );
}
