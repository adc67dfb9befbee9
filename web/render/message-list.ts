/**
 * @module render/message-list
 * The conversation. Every answer ends in words a visitor understands: an answer cut by the length
 * limit or stopped says so, an empty answer says why it is empty, a prompt the local model read
 * only partly says which part, an error says what happened and offers Retry.
 */
import { html, nothing } from 'lit';
import type { AnswerTurn, ErrorTurn, Turn, UserTurn } from '../controllers/conversation.js';
import { splitMessage } from '../../core/chat/attachments.js';
import { lastPromptIndex } from '../controllers/turns.js';
import { renderBadge } from './badge.js';
import { paperclipIcon } from './icons.js';
import { copyCodeBlock, renderMarkdown } from './markdown.js';
import type { WidgetStrings } from '../strings/strings.js';

export type MessageListProps = {
  readonly t: WidgetStrings;
  /** Renders again (the code highlighter has loaded). */
  readonly rerender: () => void;
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
  /** The site's greeting for an empty conversation (default: the strings table's welcome). */
  readonly welcome: string;
  /** Prompts offered in an empty conversation; one click sends it. */
  readonly starters: readonly string[];
  readonly onStarter: (prompt: string) => void;
  /** The site's names and pictures for the two speakers (empty: not shown). */
  readonly speakers: { readonly assistant: Speaker; readonly user: Speaker };
};

export type Speaker = { readonly name: string; readonly avatar: string };

/**
 * Who said it. Shown when the site names a speaker or gives a picture; otherwise only a screen
 * reader hears it, so a list of bubbles is still a dialogue to someone who cannot see the sides.
 * The picture is decorative (`alt=""`): the name beside it says who it is.
 */
function renderSpeaker(speaker: Speaker, fallbackName: string) {
  if (!speaker.name && !speaker.avatar) return html`<span class="sr-only">${fallbackName}: </span>`;
  return html`<div class="speaker" part="speaker">${speaker.avatar ? html`<img part="avatar" src=${speaker.avatar} alt="" width="24" height="24" referrerpolicy="no-referrer">` : nothing}<span part="name">${speaker.name || fallbackName}</span><span class="sr-only">: </span></div>`;
}

/** Sending these again gives the same error: no Retry. */
const NOT_RETRYABLE = new Set(['context_window_exceeded', 'invalid_request']);

function notes(turn: AnswerTurn, t: WidgetStrings) {
  const out: string[] = [];
  if (turn.offlineLocal) out.push(t.offlineLocalNote);
  if (turn.decision.droppedMessages > 0 && turn.decision.path === 'local')
    out.push(t.droppedNote(turn.decision.droppedMessages));
  if (turn.decision.reason === 'context') out.push(t.contextNote);
  if (turn.streaming) return out;
  if (turn.text.trim() === '') out.push(turn.finishReason === 'aborted' ? t.stoppedEmpty : t.emptyAnswer);
  else if (turn.finishReason === 'length') out.push(t.cutOff);
  else if (turn.finishReason === 'aborted') out.push(t.stopped);
  return out;
}

function renderAnswer(turn: AnswerTurn, p: MessageListProps) {
  const { t } = p;
  return html`<li class="assistant" part="bubble assistant" data-finish=${turn.finishReason ?? nothing} aria-busy=${turn.streaming ? 'true' : 'false'}>
    ${renderSpeaker(p.speakers.assistant, t.assistantName)}<div class="text" @click=${(e: Event) => copyCodeBlock(e, { copy: t.copyCode, copied: t.copied, failed: t.copyFailed })}>${renderMarkdown(turn.text, turn.streaming, t.copyCode, p.rerender)}</div>
    ${notes(turn, t).map((n) => html`<p class="note">${n}</p>`)}
    ${renderBadge(turn, t)}
    ${!turn.streaming && turn.text ? html`<button type="button" class="link copy" @click=${() => p.onCopy(turn.id, turn.text)}>${p.copied?.id === turn.id ? (p.copied.ok ? t.copied : t.copyFailed) : t.copy}</button>` : nothing}
    ${turn.offlineLocal ? html`<button type="button" class="link ask-edge" @click=${() => p.onAskEdgeLater(turn.id)}>${t.askEdgeLater}</button>` : nothing}
    ${!turn.offlineLocal && !turn.streaming && !turn.askedEdge && turn.decision.path === 'local' && turn.text ? html`<button type="button" class="link ask-larger" @click=${() => p.onAskEdge(turn.id)}>${t.askLarger}</button>` : nothing}
    ${continues(turn, p.turns) ? html`<button type="button" class="link continue" @click=${p.onContinue}>${t.continue}</button>` : nothing}
    ${!turn.streaming && p.turns.at(-1) === turn ? html`<button type="button" class="link ask-again" aria-label=${t.askAgainLabel} @click=${() => p.onAskAgain(turn.id)}>${t.askAgain}</button>` : nothing}
  </li>`;
}

/** The last turn is an answer cut by the length limit: Continue asks for the rest. */
function continues(turn: AnswerTurn, turns: readonly Turn[]): boolean {
  return !turn.streaming && turn.finishReason === 'length' && turn.text !== '' && turns.at(-1) === turn;
}

/** An HTTP error the proxy answered, in words: what happened, and whether waiting helps. */
function httpWords(status: number, t: WidgetStrings): string {
  if (status === 401 || status === 403) return t.httpNotSignedIn;
  if (status === 429) return t.httpBusy;
  if (status === 413 || status === 400) return t.httpRefused;
  if (status >= 500) return t.httpFailed;
  return t.httpOther(status);
}

function renderError(turn: ErrorTurn, onRetry: (id: number) => void, t: WidgetStrings) {
  const words =
    turn.code === 'edge_error' && turn.httpStatus !== undefined ? httpWords(turn.httpStatus, t) : t.errors[turn.code];
  return html`<li class="error" part="bubble error" data-code=${turn.code} data-status=${turn.httpStatus ?? nothing}>
    <span role="alert">${words ?? t.somethingWrong}</span>
    <details><summary>${t.details}</summary><code>${turn.code}</code>: ${turn.message}</details>
    ${(turn.retry !== undefined && !NOT_RETRYABLE.has(turn.code)) || turn.reload ? html`<button type="button" class="retry" @click=${() => onRetry(turn.id)}>${t.retry}</button>` : nothing}
  </li>`;
}

function renderPrompt(turn: UserTurn, p: MessageListProps) {
  const { t } = p;
  const note =
    turn.state === 'waiting'
      ? t.waiting
      : turn.state === 'unsent'
        ? t.unsent
        : turn.state === 'queued'
          ? t.queued
          : undefined;
  const { typed, files } = splitMessage(turn.text);
  return html`<li class="user" part="bubble user" data-state=${turn.state}>${renderSpeaker(p.speakers.user, t.userName)}<span class="text">${typed}</span>
    ${files.map((f) => html`<details class="attachment"><summary>${paperclipIcon} ${f.name}</summary><pre>${f.text}</pre></details>`)}${note ? html`<p class="note">${note}</p>` : nothing}
    ${turn.state === 'queued' && turn.outboxId ? html`<button type="button" class="link cancel-queued" @click=${() => p.onCancelQueued(turn.outboxId!)}>${t.cancel}</button>` : nothing}
    ${turn.state === 'sent' && editable(turn, p.turns) ? html`<button type="button" class="link edit" aria-label=${t.editLabel} @click=${() => p.onEdit(turn.id)}>${t.edit}</button>` : nothing}</li>`;
}

/** The last message, its answer finished (or failed): Edit takes it back into the box. */
function editable(turn: UserTurn, turns: readonly Turn[]): boolean {
  const last = turns.at(-1);
  return turns[lastPromptIndex(turns)] === turn && last !== turn && !(last?.role === 'assistant' && last.streaming);
}

export function renderMessageList(p: MessageListProps) {
  const { t } = p;
  return html`<ol class="messages" part="messages" aria-label=${t.conversation}>
    ${
      p.turns.length === 0
        ? html`<li class="empty">${p.welcome || t.welcome}${p.mayAnswerHere ? ` ${t.welcomeLocal}` : ''}
        ${p.starters.length ? html`<div class="starters" role="group" aria-label=${t.suggested}>${p.starters.map((s) => html`<button type="button" class="starter" @click=${() => p.onStarter(s)}>${s}</button>`)}</div>` : nothing}</li>`
        : nothing
    }
    ${p.turns.map((turn) => (turn.role === 'user' ? renderPrompt(turn, p) : turn.role === 'assistant' ? renderAnswer(turn, p) : renderError(turn, p.onRetry, t)))}
  </ol>`;
}
