import { describe, expect, it } from 'vitest';
import { afterFailure, deliveryOrder, newEntry, nextDue, parseOutboxEntry, retryDelayMs } from './outbox.js';

const ask = (content: string) => [{ role: 'user' as const, content }];

describe('outbox rules', () => {
  it('delivers in the order prompts were sent, ties broken by id', () => {
    const a = newEntry('entry-000b', 'c', ask('b'), 20);
    const b = newEntry('entry-000a', 'c', ask('a'), 20);
    const c = newEntry('entry-000c', 'c', ask('c'), 10);
    expect(deliveryOrder([a, b, c]).map((e) => e.id)).toEqual(['entry-000c', 'entry-000a', 'entry-000b']);
  });

  it('backs off exponentially, capped, and a later prompt never overtakes an earlier one of its conversation', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 60000]);
    const first = afterFailure(
      newEntry('entry-0001', 'c', ask('first'), 0),
      { code: 'edge_unreachable', message: 'down' },
      0,
    );
    const second = newEntry('entry-0002', 'c', ask('second'), 5);
    expect(first).toMatchObject({ attempts: 1, nextAttemptAt: 1000, lastError: { code: 'edge_unreachable' } });
    expect(nextDue([first, second], 500)).toBeUndefined();
    expect(nextDue([first, second], 1000)?.id).toBe('entry-0001');
    // Another conversation is not held up by this one.
    const other = newEntry('entry-0003', 'd', ask('other'), 7);
    expect(nextDue([first, second, other], 500)?.id).toBe('entry-0003');
  });

  it('refuses corrupted entries with invalid_artifact and accepts its own output', () => {
    const good = newEntry('entry-0004', 'c', ask('hello'), 3);
    expect(parseOutboxEntry(JSON.parse(JSON.stringify(good)))).toEqual(good);
    for (const bad of [
      null,
      'text',
      { ...good, id: 'x' },
      { ...good, messages: [] },
      { ...good, messages: [{ role: 'assistant', content: 'hi' }] },
      { ...good, attempts: 'many' },
    ]) {
      expect(() => parseOutboxEntry(bad)).toThrow(expect.objectContaining({ code: 'invalid_artifact' }));
    }
  });

  it('will not queue an empty prompt or an unsafe id', () => {
    expect(() => newEntry('entry-0005', 'c', ask('   '), 0)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(() => newEntry('bad id', 'c', ask('hi'), 0)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});
