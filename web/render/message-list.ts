/**
 * @module render/message-list
 * The conversation. Every answer ends in words a visitor understands: an answer cut by the length
 * limit or stopped says so, an empty answer says why it is empty, a prompt the local model read
 * only partly says which part, an error says what happened and offers Retry.
 */
import { html, nothing } from 'lit';
import type { AnswerTurn, ErrorTurn, Turn, UserTurn } from '../controllers/conversation.js';
import { lastPromptIndex } from '../controllers/turns.js';
import { renderBadge } from './badge.js';
import { renderMarkdown } from './markdown.js';

/**
 * What Continue sends: a plain message, shown as the visitor's, with the cut answer in the history
 * before it. It is routed like any prompt (the gate decides again), so the answer length the gate
 * was calibrated on (`max-tokens`) stays the policy that runs.
 */
export const CONTINUE_PROMPT = 'Continue';

export type MessageListProps = {
  readonly turns: readonly Turn[];
  readonly onRetry: (id: number) => void;
  readonly onCopy: (answerId: number, text: string) => void;
  /** The answer just copied and whether the browser allowed it: the button says so for a moment. */
  readonly copied: { readonly id: number; readonly ok: boolean } | undefined;
  readonly onCancelQueued: (outboxId: string) => void;
  readonly onAskEdgeLater: (answerId: number) => void;
  /** "Not good enough?" on a finished local answer: ask the larger model now. */
  readonly onAskEdge: (answerId: number) => void;
  /** Continue on the last answer, cut at the length limit: asks for the rest as a new message. */
  readonly onContinue: () => void;
  /** Edit on the last message (back into the box) and Ask again on the last answer (`takeBack`). */
  readonly onEdit: (promptId: number) => void;
  readonly onAskAgain: (answerId: number) => void;
  /** Some operating point lets this device answer: only then does the empty state promise it. */
  readonly mayAnswerHere: boolean;
  /** The site's greeting for an empty conversation (default "Ask anything."). */
  readonly welcome: string;
  /** Prompts offered in an empty conversation; one click sends it. */
  readonly starters: readonly string[];
  readonly onStarter: (prompt: string) => void;
};

const ERROR_WORDS: Record<string, string> = {
  edge_unreachable: 'The server could not be reached.',
  edge_error: 'The server could not answer.',
  edge_cors_refused: 'This site is not allowed to use its chat server (a setting on the server).',
  edge_stream_error: 'The server’s answer broke off.',
  asset_unreachable: 'Part of the chat could not be downloaded.',
  context_window_exceeded: 'This message is too long for the on-device model. Please shorten it.',
  engine_not_ready: 'The on-device model is not available.',
  aborted: 'Loading was cancelled.',
  invalid_request: 'That request was not valid.',
};

/** Sending these again gives the same error: no Retry. */
const NOT_RETRYABLE = new Set(['context_window_exceeded', 'invalid_request']);

function notes(turn: AnswerTurn) {
  const out: string[] = [];
  if (turn.offlineLocal)
    out.push('Answered on this device while the server was out of reach — below your quality target.');
  if (turn.decision.droppedMessages > 0 && turn.decision.path === 'local')
    out.push(
      `The on-device model read only the latest part of this conversation (${turn.decision.droppedMessages} earlier messages did not fit).`,
    );
  if (turn.decision.reason === 'context') out.push('Too long for the on-device model, so the server answered.');
  if (turn.streaming) return out;
  if (turn.text.trim() === '')
    out.push(
      turn.finishReason === 'aborted'
        ? 'Stopped before any text came.'
        : 'The model returned no text for this message. Try rephrasing it.',
    );
  else if (turn.finishReason === 'length') out.push('Cut off at the length limit.');
  else if (turn.finishReason === 'aborted') out.push('Stopped.');
  return out;
}

function renderAnswer(turn: AnswerTurn, p: MessageListProps) {
  return html`<li class="assistant" part="bubble assistant" data-finish=${turn.finishReason ?? nothing} aria-busy=${turn.streaming ? 'true' : 'false'}>
    <div class="text">${renderMarkdown(turn.text, turn.streaming)}</div>
    ${notes(turn).map((n) => html`<p class="note">${n}</p>`)}
    ${renderBadge(turn)}
    ${!turn.streaming && turn.text ? html`<button type="button" class="link copy" @click=${() => p.onCopy(turn.id, turn.text)}>${p.copied?.id === turn.id ? (p.copied.ok ? 'Copied' : 'Copy failed') : 'Copy'}</button>` : nothing}
    ${turn.offlineLocal ? html`<button type="button" class="link ask-edge" @click=${() => p.onAskEdgeLater(turn.id)}>Ask the server when back online</button>` : nothing}
    ${!turn.offlineLocal && !turn.streaming && !turn.askedEdge && turn.decision.path === 'local' && turn.text ? html`<button type="button" class="link ask-larger" @click=${() => p.onAskEdge(turn.id)}>Not good enough? Ask the larger model</button>` : nothing}
    ${continues(turn, p.turns) ? html`<button type="button" class="link continue" @click=${p.onContinue}>Continue</button>` : nothing}
    ${!turn.streaming && p.turns.at(-1) === turn ? html`<button type="button" class="link ask-again" aria-label="Ask again: a new answer to your last message" @click=${() => p.onAskAgain(turn.id)}>Ask again</button>` : nothing}
  </li>`;
}

/** The last turn is an answer cut by the length limit: Continue asks for the rest. */
function continues(turn: AnswerTurn, turns: readonly Turn[]): boolean {
  return !turn.streaming && turn.finishReason === 'length' && turn.text !== '' && turns.at(-1) === turn;
}

/** An HTTP error the proxy answered, in words: what happened, and whether waiting helps. */
function httpWords(status: number): string {
  if (status === 401 || status === 403) return 'The server refused this chat: it is not signed in.';
  if (status === 429) return 'The server is busy with too many requests. Try again in a moment.';
  if (status === 413 || status === 400) return 'The server could not take this message.';
  if (status >= 500) return 'The server had a problem answering. Try again in a moment.';
  return `The server could not answer (error ${status}).`;
}

function renderError(turn: ErrorTurn, onRetry: (id: number) => void) {
  const words =
    turn.code === 'edge_error' && turn.httpStatus !== undefined ? httpWords(turn.httpStatus) : ERROR_WORDS[turn.code];
  return html`<li class="error" part="bubble error" data-code=${turn.code} data-status=${turn.httpStatus ?? nothing}>
    <span role="alert">${words ?? 'Something went wrong.'}</span>
    <details><summary>Details</summary><code>${turn.code}</code>: ${turn.message}</details>
    ${(turn.retry !== undefined && !NOT_RETRYABLE.has(turn.code)) || turn.reload ? html`<button type="button" class="retry" @click=${() => onRetry(turn.id)}>Retry</button>` : nothing}
  </li>`;
}

function renderPrompt(turn: UserTurn, p: MessageListProps) {
  const note =
    turn.state === 'waiting'
      ? 'Waiting for the model to be ready…'
      : turn.state === 'unsent'
        ? 'Not sent.'
        : turn.state === 'queued'
          ? 'Queued: it will be sent when the server can be reached.'
          : undefined;
  return html`<li class="user" part="bubble user" data-state=${turn.state}><span class="text">${turn.text}</span>${note ? html`<p class="note">${note}</p>` : nothing}
    ${turn.state === 'queued' && turn.outboxId ? html`<button type="button" class="link cancel-queued" @click=${() => p.onCancelQueued(turn.outboxId!)}>Cancel</button>` : nothing}
    ${turn.state === 'sent' && editable(turn, p.turns) ? html`<button type="button" class="link edit" aria-label="Edit your last message" @click=${() => p.onEdit(turn.id)}>Edit</button>` : nothing}</li>`;
}

/** The last message, its answer finished (or failed): Edit takes it back into the box. */
function editable(turn: UserTurn, turns: readonly Turn[]): boolean {
  const last = turns.at(-1);
  return turns[lastPromptIndex(turns)] === turn && last !== turn && !(last?.role === 'assistant' && last.streaming);
}

export function renderMessageList(p: MessageListProps) {
  return html`<ol class="messages" part="messages" aria-label="Conversation">
    ${
      p.turns.length === 0
        ? html`<li class="empty">${p.welcome || 'Ask anything.'}${p.mayAnswerHere ? ' Short, simple messages are answered right here on your device.' : ''}
        ${p.starters.length ? html`<div class="starters" role="group" aria-label="Suggested messages">${p.starters.map((s) => html`<button type="button" class="starter" @click=${() => p.onStarter(s)}>${s}</button>`)}</div>` : nothing}</li>`
        : nothing
    }
    ${p.turns.map((t) => (t.role === 'user' ? renderPrompt(t, p) : t.role === 'assistant' ? renderAnswer(t, p) : renderError(t, p.onRetry)))}
  </ol>`;
}
