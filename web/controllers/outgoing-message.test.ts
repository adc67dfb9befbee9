import { describe, expect, it } from 'vitest';
import { RouterError } from '../../core/errors.js';
import { cancelledByPage, outgoingMessage } from './outgoing-message.js';

const codeOf = (result: string | RouterError) => (result instanceof RouterError ? result.code : result);

describe('a message on its way out', () => {
  it('goes as typed when the page does nothing, and as the page rewrote it', () => {
    expect(outgoingMessage('Hi', () => true)).toBe('Hi');
    expect(
      outgoingMessage('Hi', (request) => {
        request.text = `[order 42] ${request.text}`;
        return true;
      }),
    ).toBe('[order 42] Hi');
  });

  it('is refused when blank (the page is not asked), cancelled by the page, or emptied by it', () => {
    let asked = 0;
    expect(codeOf(outgoingMessage('  \n', () => ++asked > 0))).toBe('invalid_request');
    expect(asked).toBe(0);
    const cancelled = outgoingMessage('Hi', () => false);
    expect(codeOf(cancelled)).toBe('aborted');
    expect(cancelledByPage(cancelled)).toBe(true);
    expect(cancelledByPage(new RouterError('aborted', 'the visitor stopped it'))).toBe(false);
    for (const left of ['', '   ', 42, undefined])
      expect(
        codeOf(
          outgoingMessage('Hi', (request) => {
            (request as { text: unknown }).text = left;
            return true;
          }),
        ),
      ).toBe('invalid_request');
  });
});
