/**
 * @module controllers/outgoing-message
 * A message on its way out: refused when blank, then shown to the page (`riskgate-send`), which may
 * rewrite its text (add context, redact) or cancel it. What the page leaves is what the visitor
 * sees and what is sent: no hidden enrichment the visitor cannot read back.
 */
import { RouterError } from '../../core/errors.js';

export type BeforeSend = (request: { text: string }) => boolean;

const CANCELLED = "the page's riskgate-send handler cancelled the message";

/** The page said no: the composer gives the visitor's text back rather than lose it. */
export const cancelledByPage = (error: unknown): boolean =>
  error instanceof RouterError && error.code === 'aborted' && error.message === CANCELLED;

/** The text to send, or the error that says why nothing is sent (`invalid_request`, `aborted`). */
export function outgoingMessage(typed: unknown, beforeSend: BeforeSend): string | RouterError {
  if (!isMessage(typed)) return new RouterError('invalid_request', 'the message is empty');
  const request = { text: typed };
  if (!beforeSend(request)) return new RouterError('aborted', CANCELLED);
  if (!isMessage(request.text))
    return new RouterError('invalid_request', "the page's riskgate-send handler left no message");
  return request.text;
}

const isMessage = (text: unknown): text is string => typeof text === 'string' && text.trim() !== '';
