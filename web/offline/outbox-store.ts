/**
 * @module offline/outbox-store
 * Where queued prompts live: IndexedDB (survives reloads and browser restarts), or memory when
 * IndexedDB refuses (private mode, quota) — then the element says so. Entries that fail
 * `parseOutboxEntry` are moved aside under `quarantine:<key>`, reported, and never delivered or
 * deleted. Both implementations pass outbox-store.contract.ts.
 */
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import { parseOutboxEntry, type OutboxEntry } from '../../core/offline/outbox.js';

export type OutboxRead = {
  readonly entries: OutboxEntry[];
  readonly quarantined: { readonly key: string; readonly reason: string }[];
};

export interface OutboxStore {
  readonly kind: 'indexeddb' | 'memory';
  read(): Promise<OutboxRead>;
  put(entry: OutboxEntry): Promise<void>;
  remove(id: string): Promise<void>;
}

const ENTRY = 'entry:';
const QUARANTINE = 'quarantine:';

type RawStore = {
  all(): Promise<[string, unknown][]>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
};

function outboxOver(raw: RawStore, kind: OutboxStore['kind']): OutboxStore {
  return {
    kind,
    async read() {
      const found: OutboxEntry[] = [];
      const quarantined: { key: string; reason: string }[] = [];
      for (const [key, value] of await raw.all()) {
        if (key.startsWith(QUARANTINE)) {
          quarantined.push({ key, reason: (value as { reason?: string })?.reason ?? 'unreadable' });
          continue;
        }
        if (!key.startsWith(ENTRY)) continue; // e.g. openOutboxStore's probe, written by another tab
        try {
          found.push(parseOutboxEntry(value));
        } catch (error) {
          const reason = (error as Error).message;
          await raw.set(`${QUARANTINE}${key}`, { reason, value });
          await raw.del(key);
          quarantined.push({ key: `${QUARANTINE}${key}`, reason });
        }
      }
      return { entries: found, quarantined };
    },
    put: (entry) => raw.set(`${ENTRY}${entry.id}`, entry),
    remove: (id) => raw.del(`${ENTRY}${id}`),
  };
}

export function idbOutboxStore(
  database = 'riskgate-outbox',
  store: UseStore = createStore(database, 'entries'),
): OutboxStore {
  return outboxOver(
    {
      all: () => entries<string, unknown>(store),
      set: (key, value) => set(key, value, store),
      del: (key) => del(key, store),
    },
    'indexeddb',
  );
}

export function memoryOutboxStore(): OutboxStore {
  const map = new Map<string, unknown>();
  return outboxOver(
    {
      all: async () => [...map.entries()].map(([k, v]) => [k, structuredClone(v)] as [string, unknown]),
      set: async (key, value) => {
        map.set(key, structuredClone(value));
      },
      del: async (key) => {
        map.delete(key);
      },
    },
    'memory',
  );
}

/** IndexedDB when it works here (one write and delete to find out), else memory with the reason. */
export async function openOutboxStore(): Promise<{ store: OutboxStore; notice: string | null }> {
  const raw = createStore('riskgate-outbox', 'entries');
  try {
    await set('probe', 1, raw);
    await del('probe', raw);
    return { store: idbOutboxStore('riskgate-outbox', raw), notice: null };
  } catch (error) {
    return {
      store: memoryOutboxStore(),
      notice: `queued prompts kept in memory only (IndexedDB: ${(error as { name?: string })?.name ?? String(error)})`,
    };
  }
}
