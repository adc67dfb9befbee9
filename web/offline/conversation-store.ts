/**
 * @module offline/conversation-store
 * The conversation on screen, kept in IndexedDB per conversation name and restored on reload. A
 * storage failure keeps it in memory for the session, with a notice (as for the thresholds).
 */
import { createStore, del, get, set } from 'idb-keyval';

export type SavedConversation<T> = {
  readonly format: 'riskgate.conversation/1';
  readonly turns: readonly T[];
  readonly nextId: number;
};

const store = () => createStore('riskgate-conversations', 'conversations');

export async function loadConversation<T>(name: string): Promise<SavedConversation<T> | undefined> {
  const saved = await get<SavedConversation<T>>(name, store()).catch(() => undefined);
  return saved?.format === 'riskgate.conversation/1' && Array.isArray(saved.turns) ? saved : undefined;
}

/** Resolves with null when saved, else the notice to show. */
export async function saveConversation<T>(name: string, turns: readonly T[], nextId: number): Promise<string | null> {
  const value: SavedConversation<T> = { format: 'riskgate.conversation/1', turns, nextId };
  return (turns.length === 0 ? del(name, store()) : set(name, value, store())).then(
    () => null,
    (error: unknown) =>
      `conversation kept in memory only (IndexedDB: ${(error as { name?: string })?.name ?? String(error)})`,
  );
}
