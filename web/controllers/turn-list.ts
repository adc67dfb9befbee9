/**
 * @module controllers/turn-list
 * The turns on screen and their keeping: ids, insertion under the right prompt, one re-render and
 * one IndexedDB save per task (not per token), and the restore when the page comes back.
 */
import type { ReactiveControllerHost } from 'lit';
import type { ErrorCode } from '../../core/errors.js';
import { loadConversation, saveConversation } from '../offline/conversation-store.js';
import { type AnswerTurn, insertAfter, lastPromptIndex, type Turn, type UserTurn } from './turns.js';

export class TurnList {
  turns: Turn[] = [];
  /** A sentence for the visitor when the conversation could not be kept (quota, private mode). */
  storageNotice: string | null = null;
  #nextId = 1;
  #saving = false;
  #cleared: Turn[] | undefined;

  constructor(
    readonly host: ReactiveControllerHost,
    /** The conversation's storage name; null = not kept. */
    private readonly storageName: () => string | null,
  ) {}

  /** Puts the saved conversation on screen, unless something was said already. */
  async restore(): Promise<void> {
    const name = this.storageName();
    if (!name) return;
    const saved = await loadConversation<Turn>(name);
    if (!saved || this.turns.length > 0) return;
    // An answer that was streaming when the page went away ends there, marked stopped.
    this.turns = saved.turns.map((t) =>
      t.role === 'assistant' && t.streaming ? { ...t, streaming: false, finishReason: 'aborted' } : t,
    );
    this.#nextId = saved.nextId;
    this.host.requestUpdate();
  }

  newId(): number {
    return this.#nextId++;
  }

  /** Appends a turn, or puts it right after `after` (an answer lands under its own prompt when prompts were queued). */
  push(turn: Turn, after?: Turn): Turn {
    this.turns = insertAfter(this.turns, turn, after);
    this.changed();
    return turn;
  }

  remove(turn: Turn): void {
    this.turns = this.turns.filter((t) => t !== turn);
    this.changed();
  }

  /** A finished answer and the prompt it answers. */
  answered(answerId: number): { answer: AnswerTurn; prompt: UserTurn } | undefined {
    const answer = this.turns.find((t): t is AnswerTurn => t.id === answerId && t.role === 'assistant');
    const prompt = this.turns.find((t): t is UserTurn => t.role === 'user' && t.id === answer?.promptId);
    return answer && prompt ? { answer, prompt } : undefined;
  }

  /** The model failed to load: one error turn with Retry; the prompts waiting on it are marked unsent. */
  loadFailed(error: { code: ErrorCode; message: string }): void {
    this.turns = this.turns.filter((t) => !(t.role === 'error' && t.reload));
    for (const t of this.turns) if (t.role === 'user' && t.state === 'waiting') t.state = 'unsent';
    this.push({ id: this.newId(), role: 'error', code: error.code, message: error.message, reload: true });
  }

  /**
   * Edit or Ask again on the last exchange: the last prompt (sent, not queued) and everything under
   * it leave the list; `turnId` is that prompt or the last turn. Anything else: nothing changes.
   */
  takeBack(turnId: number): UserTurn | undefined {
    const at = lastPromptIndex(this.turns);
    const prompt = this.turns[at] as UserTurn | undefined;
    const last = this.turns.at(-1);
    if (prompt?.state !== 'sent' || (turnId !== prompt.id && turnId !== last?.id)) return undefined;
    if (last?.role === 'assistant' && last.streaming) return undefined;
    this.turns = this.turns.slice(0, at);
    this.changed();
    return prompt;
  }

  /** Empties the list, keeping it for Undo; a prompt that was waiting in the outbox comes back unsent. */
  clear(): void {
    this.#cleared = this.turns.map((t) =>
      t.role === 'user' && t.state === 'queued' ? { ...t, state: 'unsent' as const } : t,
    );
    this.turns = [];
    this.changed();
  }

  /** Brings back what the last `clear()` removed, if nothing was said since. */
  undoClear(): boolean {
    if (!this.#cleared || this.turns.length > 0) return false;
    this.turns = this.#cleared;
    this.#cleared = undefined;
    this.changed();
    return true;
  }

  /** Re-render, and keep the conversation (once per task, not per token). */
  changed(): void {
    this.host.requestUpdate();
    const name = this.storageName();
    if (!name || this.#saving) return;
    this.#saving = true;
    queueMicrotask(() => {
      this.#saving = false;
      void saveConversation(name, this.turns, this.#nextId).then((notice) => {
        if (notice !== this.storageNotice) {
          this.storageNotice = notice;
          this.host.requestUpdate();
        }
      });
    });
  }
}
