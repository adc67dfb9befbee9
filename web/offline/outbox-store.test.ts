import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { set, createStore } from 'idb-keyval';
import { newEntry } from '../../core/offline/outbox.js';
import { idbOutboxStore, memoryOutboxStore, type OutboxStore } from './outbox-store.js';

// The same contract for both stores. IndexedDB runs on fake-indexeddb here (an implementation of
// the IndexedDB API in Node); the browser journeys (e2e/offline.spec.ts) run the real one.
let n = 0;
const stores: [string, () => OutboxStore, (key: string, value: unknown) => Promise<void>][] = [
  ['memory', () => memoryOutboxStore(), async () => undefined],
  [
    'indexeddb',
    () => idbOutboxStore(`test-outbox-${++n}`),
    (key, value) => set(key, value, createStore(`test-outbox-${n}`, 'entries')),
  ],
];

for (const [name, open, rawSet] of stores) {
  describe(`OutboxStore contract: ${name}`, () => {
    it('keeps entries across reads, copies them, removes by id', async () => {
      const store = open();
      const a = newEntry('entry-000a', 'c', [{ role: 'user', content: 'first' }], 1);
      const b = newEntry('entry-000b', 'c', [{ role: 'user', content: 'second' }], 2);
      await store.put(a);
      await store.put(b);
      const read = await store.read();
      expect(read.entries.sort((x, y) => x.createdAt - y.createdAt)).toEqual([a, b]);
      await store.remove('entry-000a');
      expect((await store.read()).entries).toEqual([b]);
    });

    // Memory holds only what put() wrote, so only storage that outlives the page can be corrupted.
    it.skipIf(name === 'memory')('sets a corrupted entry aside (reported, not delivered, not lost)', async () => {
      const store = open();
      await store.put(newEntry('entry-000c', 'c', [{ role: 'user', content: 'fine' }], 1));
      await rawSet('entry:broken-0001', { id: 'broken-0001', messages: 'not a list' });
      const first = await store.read();
      expect(first.entries.map((e) => e.id)).toEqual(['entry-000c']);
      expect(first.quarantined).toEqual([
        { key: 'quarantine:entry:broken-0001', reason: 'outbox entry refused (bad conversation)' },
      ]);
      // Still there, set aside, on the next read.
      expect((await store.read()).quarantined.map((q) => q.key)).toEqual(['quarantine:entry:broken-0001']);
    });
  });
}
