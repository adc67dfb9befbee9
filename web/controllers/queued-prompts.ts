/**
 * @module controllers/queued-prompts
 * The outbox side of a conversation: a prompt the edge could not be reached for is queued (nothing
 * typed is lost), a queued prompt can be cancelled, and the outbox's scheduler delivers an entry
 * back into the turns, under its own prompt, with the entry id as Idempotency-Key.
 */
import type { RouterError } from '../../core/errors.js';
import { newEntry, type OutboxEntry } from '../../core/offline/outbox.js';
import type { ChatMessage } from '../../core/protocol/chat.js';
import type { Decision } from '../../core/protocol/worker-api.js';
import {
  type AnswerStreamContext,
  failureOf,
  resultOf,
  routeAnswer,
  type SendResult,
  showFailure,
} from './answer-stream.js';
import { type AnswerTurn, type UserTurn, userTurnOf } from './turns.js';

export type QueueContext = {
  readonly stream: AnswerStreamContext;
  /** The conversation's storage name; null = not kept. */
  readonly storageName: () => string | null;
  readonly queue: (entry: OutboxEntry) => Promise<void>;
  readonly unqueue: (id: string) => Promise<void>;
};

export async function enqueuePrompt(context: QueueContext, prompt: UserTurn, messages: readonly ChatMessage[]) {
  const entry = newEntry(crypto.randomUUID(), context.storageName() ?? 'page', messages, Date.now());
  prompt.state = 'queued';
  prompt.outboxId = entry.id;
  context.stream.list.changed();
  await context.queue(entry);
}

/** What `send` resolves to when its prompt went to the outbox: the answer comes later. */
export function queuedResult(prompt: UserTurn, decision: Decision | undefined): SendResult {
  return {
    path: 'edge',
    text: '',
    decision: decision as Decision,
    model: 'edge',
    finishReason: 'stop',
    queued: prompt.outboxId!,
  };
}

/** Cancels a queued prompt: out of the outbox, marked unsent (its text stays on screen). */
export async function cancelQueuedPrompt(context: QueueContext, outboxId: string): Promise<void> {
  await context.unqueue(outboxId);
  const { list } = context.stream;
  const turn = userTurnOf(list.turns, outboxId);
  if (turn) {
    turn.state = 'unsent';
    list.changed();
  }
}

/**
 * Delivers one outbox entry: the edge answers the queued prompt, and the answer lands under it.
 * @throws RouterError when the delivery failed (the scheduler backs off, or gives up if it cannot work later).
 */
export async function deliverEntry(context: QueueContext, entry: OutboxEntry): Promise<SendResult> {
  const { stream } = context;
  const { list } = stream;
  const prompt = userTurnOf(list.turns, entry.id);
  // Answered already (the page went away between the answer and the outbox update).
  const existing =
    prompt &&
    list.turns.find(
      (t): t is AnswerTurn =>
        t.role === 'assistant' && t.promptId === prompt.id && t.decision.path === 'edge' && !t.streaming,
    );
  if (existing) return resultOf(existing);
  await stream.connection.ready();
  const text = entry.messages.at(-1)!.content;
  const target =
    prompt ?? (list.push({ id: list.newId(), role: 'user', text, state: 'queued', outboxId: entry.id }) as UserTurn);
  const { answer, failure } = await routeAnswer(stream, target, entry.messages, { mode: 'edge', requestId: entry.id });
  if (failure || !answer) {
    if (answer && answer.text === '') list.remove(answer);
    throw failureOf(failure);
  }
  target.state = 'sent';
  list.changed();
  return resultOf(answer);
}

/** The outbox gave up on an entry it can never deliver: the prompt gets an error turn with Retry. */
export function giveUpOnEntry(context: QueueContext, entry: OutboxEntry, error: RouterError): void {
  const prompt = userTurnOf(context.stream.list.turns, entry.id);
  if (prompt) prompt.state = 'unsent';
  showFailure(context.stream, error, entry.messages.at(-1)!.content, prompt);
}
