/**
 * @module render/markdown
 * Answers are Markdown from models we do not control: parsed by marked, then sanitized by
 * DOMPurify before they reach the DOM (no raw HTML, no script, no event handler survives).
 */
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';

export function renderMarkdown(text: string) {
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  return unsafeHTML(DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button', 'img'] }));
}
