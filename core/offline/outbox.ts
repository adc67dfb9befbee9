/**
 * @module offline/outbox
 * The offline outbox's rules, pure: what an entry is, the order entries are delivered in, when a
 * failed delivery is tried again (exponential backoff, capped), and how an entry read back from
 * storage is checked (a corrupted one is refused with a code and set aside, never used, never
 * silently dropped). Each entry's `id` is also the `Idempotency-Key` its delivery sends, so a
 * retry after a lost response gets the proxy's kept answer, not a second one (issue 16).
 */
import { RouterError } from '../errors.js';
import type { ChatMessage } from '../protocol/chat.js';

export type OutboxEntry = {
  /** Unique; the delivery's Idempotency-Key and the conversation turn it belongs to. */
  readonly id: string;
  readonly conversation: string;
  /** The whole conversation up to and including this prompt, as it was when the prompt was sent. */
  readonly messages: readonly ChatMessage[];
  readonly createdAt: number;
  readonly attempts: number;
  /** Not before this time (ms since epoch). */
  readonly nextAttemptAt: number;
  readonly lastError: { readonly code: string; readonly message: string } | null;
};

export const OUTBOX_ID = /^[A-Za-z0-9_.:-]{8,128}$/;

export type Backoff = { readonly baseMs: number; readonly maxMs: number };
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 60_000 };

/** base · 2^(attempts−1), capped: 1 s, 2 s, 4 s … 60 s. */
export function retryDelayMs(attempts: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
}

export function newEntry(id: string, conversation: string, messages: readonly ChatMessage[], now: number): OutboxEntry {
  if (!OUTBOX_ID.test(id))
    throw new RouterError('invalid_request', `outbox id must be 8–128 safe characters, not ${JSON.stringify(id)}`);
  const last = messages.at(-1);
  if (!last || last.role !== 'user' || last.content.trim() === '')
    throw new RouterError('invalid_request', 'a queued prompt must end with a non-empty user message');
  return {
    id,
    conversation,
    messages: [...messages],
    createdAt: now,
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
  };
}

export function afterFailure(
  entry: OutboxEntry,
  error: { code: string; message: string },
  now: number,
  backoff: Backoff = DEFAULT_BACKOFF,
): OutboxEntry {
  const attempts = entry.attempts + 1;
  return {
    ...entry,
    attempts,
    nextAttemptAt: now + retryDelayMs(attempts, backoff),
    lastError: { code: error.code, message: error.message },
  };
}

/** Delivery order: the order prompts were sent in (ties by id, so it is total). */
export function deliveryOrder(entries: readonly OutboxEntry[]): OutboxEntry[] {
  return [...entries].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The next entry due at `now`, respecting order: a later prompt never overtakes an earlier one of its conversation. */
export function nextDue(entries: readonly OutboxEntry[], now: number): OutboxEntry | undefined {
  const first = new Map<string, OutboxEntry>();
  for (const e of deliveryOrder(entries)) if (!first.has(e.conversation)) first.set(e.conversation, e);
  return deliveryOrder([...first.values()]).find((e) => e.nextAttemptAt <= now);
}

const isMessage = (m: unknown): m is ChatMessage =>
  typeof m === 'object' &&
  m !== null &&
  ['system', 'user', 'assistant'].includes((m as ChatMessage).role) &&
  typeof (m as ChatMessage).content === 'string';

/** Checks an entry read back from storage. @throws RouterError `invalid_artifact` naming what is wrong. */
export function parseOutboxEntry(value: unknown): OutboxEntry {
  const e = value as Partial<OutboxEntry> | null;
  const problem =
    typeof e !== 'object' || e === null
      ? 'not an object'
      : typeof e.id !== 'string' || !OUTBOX_ID.test(e.id)
        ? 'bad id'
        : typeof e.conversation !== 'string'
          ? 'bad conversation'
          : !Array.isArray(e.messages) ||
              e.messages.length === 0 ||
              !e.messages.every(isMessage) ||
              e.messages.at(-1)!.role !== 'user'
            ? 'bad messages'
            : ![e.createdAt, e.attempts, e.nextAttemptAt].every((n) => typeof n === 'number' && Number.isFinite(n))
              ? 'bad numbers'
              : null;
  if (problem) throw new RouterError('invalid_artifact', `outbox entry refused (${problem})`);
  return {
    id: e!.id!,
    conversation: e!.conversation!,
    messages: e!.messages!,
    createdAt: e!.createdAt!,
    attempts: e!.attempts!,
    nextAttemptAt: e!.nextAttemptAt!,
    lastError: e!.lastError ?? null,
  };
}

/**
 * What the outbox waits out: only a failure for lack of network (offline, DNS, connection refused:
 * `edge_unreachable`), or the proxy still answering the same key (409). An HTTP error the proxy
 * answered (4xx, 5xx, 429) is that error, shown with Retry; queueing it looked like "offline",
 * retried it for minutes and held every later prompt behind it (issue 25).
 */
export function waitsForNetwork(error: { readonly code: string; readonly httpStatus?: number }): boolean {
  return error.code === 'edge_unreachable' || (error.code === 'edge_error' && error.httpStatus === 409);
}
