/**
 * @module render/footer
 * The footer: this session's tally in plain words, and Clear (or, just after it, Undo).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { SessionStats } from '../controllers/turns.js';

export type FooterView = {
  readonly stats: SessionStats;
  readonly hasTurns: boolean;
  /** Just cleared: Undo is offered. */
  readonly cleared: boolean;
  readonly onClear: () => void;
  readonly onUndo: () => void;
};

export function tallyText(stats: SessionStats): string {
  if (stats.prompts === 0) return '';
  const parts = [`Answered on this device: ${stats.answeredLocally} of ${stats.prompts}`];
  if (stats.tokensKeptOnDevice > 0) parts.push(`${stats.tokensKeptOnDevice} tokens kept off the server`);
  if (stats.estimatedTimeSavedMs) parts.push(`about ${(stats.estimatedTimeSavedMs / 1000).toFixed(1)} s saved`);
  return parts.join(' · ');
}

export function renderFooter(view: FooterView): TemplateResult {
  const action = view.hasTurns
    ? html`<button type="button" class="link clear" @click=${view.onClear}>Clear conversation</button>`
    : view.cleared
      ? html`<span class="cleared">Conversation cleared.
          <button type="button" class="link undo" @click=${view.onUndo}>Undo</button></span>`
      : nothing;
  return html`<footer part="footer"><span class="tally">${tallyText(view.stats)}</span>${action}</footer>`;
}
