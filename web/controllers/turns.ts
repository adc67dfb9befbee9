/**
 * @module controllers/turns
 * The conversation's turns and the pure rules over them: where an answer goes (under its own
 * prompt, after what already answers it), what the models read before a prompt, the session tally.
 */
import type { ChatMessage } from '../../core/protocol/chat.js';
import type { Decision, RouteFinishReason, Timings } from '../../core/protocol/worker-api.js';

/** `queued`: in the outbox until the edge is reachable (`outboxId`). */
export type UserTurn = {
  readonly id: number;
  readonly role: 'user';
  readonly text: string;
  state: 'waiting' | 'sent' | 'unsent' | 'queued';
  outboxId?: string;
};
export type AnswerTurn = {
  readonly id: number;
  readonly role: 'assistant';
  text: string;
  /** The model's own text, when the page rewrote it through `riskgate-answer` (shadow checks judge this one). */
  rewrittenFrom?: string;
  decision: Decision;
  streaming: boolean;
  servedBy?: string;
  finishReason?: RouteFinishReason;
  timings?: Timings;
  usage?: { promptTokens: number; completionTokens: number };
  /** Answered on the device because the edge was unreachable (offline="local"); below the quality target. */
  offlineLocal?: true;
  /** The visitor asked the larger model too ("not good enough?"): its answer follows this one. */
  askedEdge?: true;
  /** The prompt this answers (its user turn id). */
  promptId?: number;
};
/** `retry`: the prompt to send again; `reload`: the model failed to load (Retry reloads it, then sends every unsent prompt). */
export type ErrorTurn = {
  readonly id: number;
  readonly role: 'error';
  readonly code: string;
  readonly message: string;
  readonly httpStatus?: number;
  readonly retry?: string;
  readonly reload?: true;
};
export type Turn = UserTurn | AnswerTurn | ErrorTurn;

/** The session tally shown in the footer and exposed as `element.stats`. */
export type SessionStats = {
  readonly prompts: number;
  readonly answeredLocally: number;
  readonly answeredByEdge: number;
  /** Prompt and answer tokens of the local answers: what the edge did not have to process. */
  readonly tokensKeptOnDevice: number;
  /**
   * (mean edge answer time − mean local answer time) × local answers, from this session's own
   * timings; null until both paths have answered at least once.
   */
  readonly estimatedTimeSavedMs: number | null;
};

/** `turns` with `turn` right after `after` (appended when `after` is absent or gone). */
export function insertAfter(turns: readonly Turn[], turn: Turn, after?: Turn): Turn[] {
  const at = after ? turns.indexOf(after) : -1;
  return at < 0 ? [...turns, turn] : [...turns.slice(0, at + 1), turn, ...turns.slice(at + 1)];
}

/** The last turn that belongs to `prompt` (its answers and errors follow it until the next prompt). */
export function lastTurnOf(turns: readonly Turn[], prompt: UserTurn): Turn {
  let last: Turn = prompt;
  for (let i = turns.indexOf(prompt) + 1; i < turns.length && turns[i]!.role !== 'user'; i++) last = turns[i]!;
  return last;
}

/**
 * The conversation before `prompt` as the models read it: sent prompts and the answers they got.
 * A stopped answer, and a device answer the visitor found not good enough (the larger model's
 * follows it), are not what the conversation settled on: neither model reads them as history.
 */
export function historyBefore(turns: readonly Turn[], prompt: UserTurn): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const t of turns) {
    if (t === prompt) break;
    if (t.role === 'user' && t.state === 'sent') messages.push({ role: 'user', content: t.text });
    else if (t.role === 'assistant' && t.text !== '' && !t.askedEdge && t.finishReason !== 'aborted')
      messages.push({ role: 'assistant', content: t.text });
  }
  return [...messages, { role: 'user', content: prompt.text }];
}

export const userTurnOf = (turns: readonly Turn[], outboxId: string): UserTurn | undefined =>
  turns.find((t): t is UserTurn => t.role === 'user' && t.outboxId === outboxId);

export function sessionStats(turns: readonly Turn[]): SessionStats {
  const answers = turns.filter((t): t is AnswerTurn => t.role === 'assistant' && !t.streaming);
  // A device answer the visitor then asked the larger model about was not kept on the device:
  // that prompt counts once, as answered by the edge.
  const local = answers.filter((a) => a.decision.path === 'local' && !a.askedEdge);
  const edge = answers.filter((a) => a.decision.path === 'edge');
  const mean = (xs: AnswerTurn[]) => xs.reduce((s, a) => s + (a.timings?.totalMs ?? 0), 0) / xs.length;
  return {
    prompts: new Set(answers.map((a) => a.promptId)).size,
    answeredLocally: local.length,
    answeredByEdge: edge.length,
    tokensKeptOnDevice: local.reduce((s, a) => s + (a.usage ? a.usage.promptTokens + a.usage.completionTokens : 0), 0),
    estimatedTimeSavedMs:
      local.length > 0 && edge.length > 0 ? Math.max(0, mean(edge) - mean(local)) * local.length : null,
  };
}

/** Where the last prompt is (-1 for none). */
export function lastPromptIndex(turns: readonly Turn[]): number {
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i]!.role === 'user') return i;
  return -1;
}
