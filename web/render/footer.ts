/**
 * @module render/footer
 * The footer: this session's tally in plain words, and Clear (or, just after it, Undo).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { SessionStats } from '../controllers/turns.js';
import type { WidgetStrings } from '../strings/strings.js';

export type FooterView = {
  readonly t: WidgetStrings;
  readonly stats: SessionStats;
  readonly hasTurns: boolean;
  /** Just cleared: Undo is offered. */
  readonly cleared: boolean;
  readonly onClear: () => void;
  readonly onUndo: () => void;
};

export function tallyText(stats: SessionStats, t: WidgetStrings): string {
  if (stats.prompts === 0) return '';
  const parts = [t.tallyLocal(stats.answeredLocally, stats.prompts)];
  if (stats.tokensKeptOnDevice > 0) parts.push(t.tallyTokens(stats.tokensKeptOnDevice));
  if (stats.estimatedTimeSavedMs) parts.push(t.tallySaved((stats.estimatedTimeSavedMs / 1000).toFixed(1)));
  return parts.join(' · ');
}

export function renderFooter(view: FooterView): TemplateResult {
  const { t } = view;
  const action = view.hasTurns
    ? html`<button type="button" class="link clear" @click=${view.onClear}>${t.clear}</button>`
    : view.cleared
      ? html`<span class="cleared">${t.cleared}
          <button type="button" class="link undo" @click=${view.onUndo}>${t.undo}</button></span>`
      : nothing;
  return html`<footer part="footer"><span class="tally">${tallyText(view.stats, t)}</span>${action}</footer>`;
}
