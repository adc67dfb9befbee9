/**
 * @module riskgate-chat.styles
 * Theming goes through `--riskgate-*` custom properties and `::part()` names.
 */
import { css } from 'lit';

export const chatStyles = css`
  :host {
    display: flex; flex-direction: column; gap: 8px; font: 15px/1.45 system-ui, sans-serif;
    color: var(--riskgate-color-text, #1d2433); background: var(--riskgate-color-background, #fff);
    border: 1px solid var(--riskgate-color-border, #d6dae3); border-radius: var(--riskgate-border-radius, 12px);
    padding: 12px; box-sizing: border-box; min-height: 320px;
  }
  header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; font-size: 13px; }
  header .status { margin-left: auto; color: #5b6478; }
  select { font: inherit; }
  ol { list-style: none; margin: 0; padding: 0; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: 8px; }
  li { padding: 8px 10px; border-radius: var(--riskgate-message-border-radius, 10px); white-space: pre-wrap; max-width: 85%; }
  li.user { align-self: flex-end; background: var(--riskgate-color-primary, #2c5cc5); color: #fff; }
  li.assistant { align-self: flex-start; background: var(--riskgate-color-secondary, #eef1f6); }
  li.error { align-self: stretch; background: #fdecec; color: #8a1c1c; }
  .badge { display: block; margin-top: 4px; font-size: 12px; color: #5b6478; }
  .badge b.local { color: #1d7a3a; } .badge b.edge { color: #9a5b00; }
  form { display: flex; gap: 8px; }
  input[type='text'] { flex: 1; font: inherit; padding: 8px; border: 1px solid #c3c9d5; border-radius: 8px; }
  button { font: inherit; padding: 8px 14px; border-radius: 8px; border: 0; background: var(--riskgate-color-primary, #2c5cc5); color: #fff; }
  button[disabled] { opacity: 0.5; }
`;
