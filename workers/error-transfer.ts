/**
 * @module error-transfer
 * Errors across comlink keep their stable `code`. Comlink's own "throw" handler sends an Error as
 * {message, name, stack} only, so a RouterError thrown in the worker would reach the page without
 * its code, retryLater or HTTP status. This handler sends the error's payload (core/errors.ts)
 * and throws a RouterError on the other side: the one place errors are rehydrated. Installed by
 * both ends (router.worker.ts and web/worker-client.ts) before the first call.
 */
import { type TransferHandler, transferHandlers } from 'comlink';
import { type ErrorPayload, fromErrorPayload, toErrorPayload } from '../core/errors.js';

type Thrown = { value: unknown };

export function installErrorTransfer(): void {
  const builtIn = transferHandlers.get('throw');
  if (!builtIn) return;
  const handler: TransferHandler<Thrown, ErrorPayload> = {
    canHandle: (value): value is Thrown => builtIn.canHandle(value),
    serialize: ({ value }) => [toErrorPayload(value), []],
    deserialize: (payload) => {
      throw fromErrorPayload(payload);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
