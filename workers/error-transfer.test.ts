import { expose, type Remote, wrap } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { RouterError } from '../core/errors.js';
import { installErrorTransfer } from './error-transfer.js';

// A real comlink round trip over a MessageChannel, as between the page and the router worker.
describe('errors across comlink', () => {
  const channels: MessageChannel[] = [];
  afterEach(() => {
    for (const c of channels.splice(0)) {
      c.port1.close();
      c.port2.close();
    }
  });
  const connect = <T>(api: T) => {
    const channel = new MessageChannel();
    channels.push(channel);
    expose(api, channel.port1);
    return wrap<T>(channel.port2);
  };
  const api = {
    async shadowCheck(): Promise<void> {
      throw new RouterError('edge_error', 'the proxy has no judge', { httpStatus: 501 });
    },
    async broken(): Promise<void> {
      throw new TypeError('x is not a function');
    },
    nested: {
      async represent(): Promise<void> {
        throw new RouterError('engine_not_ready', 'call initEngine() before represent()');
      },
    },
  };

  it('a RouterError thrown in the worker arrives as a RouterError with its code, status and retry hint', async () => {
    installErrorTransfer();
    const remote = connect(api);
    const error = await remote.shadowCheck().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RouterError);
    expect(error).toMatchObject({ code: 'edge_error', message: 'the proxy has no judge', httpStatus: 501 });
    const nested = await (remote.nested as unknown as Remote<typeof api.nested>).represent().catch((e: unknown) => e);
    expect(nested).toMatchObject({ code: 'engine_not_ready', retryLater: false });
  });

  it('any other error arrives as internal_error with its message, never as a bare object', async () => {
    installErrorTransfer();
    const error = await connect(api)
      .broken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RouterError);
    expect(error).toMatchObject({ code: 'internal_error', message: 'x is not a function' });
  });
});
