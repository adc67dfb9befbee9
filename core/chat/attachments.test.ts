import { describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMIT_CHARS, composeMessage, refuseAttachment, splitMessage } from './attachments.js';

describe('attachments in a message', () => {
  it('round-trips the typed text and every file, in order, whatever the files hold', () => {
    const files = [
      { name: 'notes.md', text: '# Notes\n\n- one\n- two' },
      { name: 'data.csv', text: 'a,b\n1,2\n\n\n</file>\nnot the end' },
    ];
    const message = composeMessage('Summarise these.', files);
    expect(splitMessage(message)).toEqual({ typed: 'Summarise these.', files });
  });

  it('a message without files is all typed text, and text that only looks like a block stays typed', () => {
    expect(splitMessage('Hello')).toEqual({ typed: 'Hello', files: [] });
    const typed = 'What does this do?\n\n<file name="x">\nabc\n</file> and then more';
    expect(splitMessage(typed)).toEqual({ typed, files: [] });
  });

  it('a name cannot close the block early', () => {
    const message = composeMessage('Hi', [{ name: 'a"b\n.txt', text: 'x' }]);
    expect(splitMessage(message).files).toEqual([{ name: 'a_b_.txt', text: 'x' }]);
  });

  it('refuses binary content and what would pass the limit with everything already attached', () => {
    expect(refuseAttachment('plain text', 0)).toBeUndefined();
    expect(refuseAttachment('PK\u0003\u0004\u0000\u0000', 0)?.reason).toBe('not_text');
    expect(refuseAttachment('caf\uFFFD', 0)?.reason).toBe('not_text');
    expect(refuseAttachment('x'.repeat(10), ATTACHMENT_LIMIT_CHARS - 5)?.reason).toBe('too_large');
    expect(refuseAttachment('x'.repeat(5), ATTACHMENT_LIMIT_CHARS - 5)).toBeUndefined();
  });
});
