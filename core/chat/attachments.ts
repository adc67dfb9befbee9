/**
 * @module chat/attachments
 * Text files a visitor attaches to a message. They travel inside the message itself, each in a
 * `<file name="…">` block after the typed text, so everything downstream (the gate, the local
 * context check, the edge, the history, the offline queue, the kept conversation) reads one
 * string and needs no second channel; the widget shows the blocks as attachments, not as text.
 */

export type TextAttachment = { readonly name: string; readonly text: string };

/** All attachments of one message together: about 8k tokens, inside any edge model's window. */
export const ATTACHMENT_LIMIT_CHARS = 32_000;

const BLOCK = /\n\n<file name="([^"\n]*)">\n([\s\S]*?)\n<\/file>(?=\n\n<file name="|$)/g;

/** A name that cannot close the block early (quotes and line breaks out). */
const safeName = (name: string) => name.replace(/["\n\r]/g, '_').slice(0, 200) || 'file.txt';

/** The message the models read: the typed text, then one block per file. */
export function composeMessage(typed: string, files: readonly TextAttachment[]): string {
  return typed + files.map((f) => `\n\n<file name="${safeName(f.name)}">\n${f.text}\n</file>`).join('');
}

/** The typed text and the files of a message written by `composeMessage` (a message without blocks: no files). */
export function splitMessage(message: string): { typed: string; files: TextAttachment[] } {
  const first = message.search(/\n\n<file name="[^"\n]*">\n/);
  if (first < 0) return { typed: message, files: [] };
  const tail = message.slice(first);
  const files = [...tail.matchAll(BLOCK)].map((m) => ({ name: m[1]!, text: m[2]! }));
  // Only when the blocks make up the whole tail is it ours; otherwise the visitor typed it.
  const rebuilt = files.map((f) => `\n\n<file name="${f.name}">\n${f.text}\n</file>`).join('');
  return rebuilt === tail ? { typed: message.slice(0, first), files } : { typed: message, files: [] };
}

export type AttachmentRefusal = { readonly code: 'invalid_request'; readonly reason: 'not_text' | 'too_large' };

/**
 * Whether a file's decoded text can be attached next to `already` attached characters. Text is
 * what decodes without NUL and without replacement characters (U+FFFD, what a binary file decoded
 * as UTF-8 is full of).
 */
export function refuseAttachment(text: string, already: number): AttachmentRefusal | undefined {
  if (text.includes('\u0000') || text.includes('\uFFFD')) return { code: 'invalid_request', reason: 'not_text' };
  if (already + text.length > ATTACHMENT_LIMIT_CHARS) return { code: 'invalid_request', reason: 'too_large' };
  return undefined;
}
