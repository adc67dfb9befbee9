/**
 * @module riskgate-chat.styles
 * Theming goes through `--riskgate-*` custom properties and `::part()` names. Colours meet WCAG AA
 * contrast on the default background.
 */
import { css } from 'lit';

export const chatStyles = css`
  :host {
    display: flex; flex-direction: column; gap: 8px; font: 15px/1.45 system-ui, sans-serif;
    color: var(--riskgate-color-text, #1d2433); background: var(--riskgate-color-background, #fff);
    border: 1px solid var(--riskgate-color-border, #d6dae3); border-radius: var(--riskgate-border-radius, 12px);
    padding: 12px; box-sizing: border-box; min-height: 320px;
    /* Bounded by default, so the composer stays in view; a site owner sets the height it wants. */
    height: var(--riskgate-height, auto); max-height: var(--riskgate-max-height, min(640px, 90vh)); overflow: auto;
  }
  .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  header { display: flex; flex-direction: column; gap: 6px; font-size: 13px; flex-shrink: 0; }
  form, footer { flex-shrink: 0; }
  button.new-messages { align-self: center; }
  fieldset.operating-point { display: flex; flex-wrap: wrap; gap: 8px 20px; border: 0; margin: 0; padding: 0; }
  .control { display: flex; flex-direction: column; gap: 2px; flex: 1 1 220px; }
  .control label { font-weight: 600; }
  .control small { color: #4d5566; }
  .status { color: #3f4757; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
  .status .warn { color: #7a4a00; }
  details summary { cursor: pointer; color: #3f4757; font-size: 12px; }
  details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 4px 0; font-size: 12px; }
  details dt { font-weight: 600; } details dd { margin: 0; overflow-wrap: anywhere; }
  select, input, textarea, button { font: inherit; }
  ol.messages { list-style: none; margin: 0; padding: 0; flex: 1 1 auto; overflow-y: auto; display: flex; flex-direction: column; gap: 8px; min-height: 120px; }
  ol.messages > li { padding: 8px 10px; border-radius: var(--riskgate-message-border-radius, 10px); max-width: 85%; overflow-wrap: anywhere; }
  ol.messages > li.empty { align-self: center; color: #4d5566; max-width: 100%; }
  ol.messages > li.user { align-self: flex-end; background: var(--riskgate-color-primary, #2c5cc5); color: #fff; }
  li.user .text { white-space: pre-wrap; }
  li.user .note { color: #e8eefc; }
  li.user button.link { color: #fff; padding-left: 0; }
  ol.messages > li.assistant { align-self: flex-start; background: var(--riskgate-color-secondary, #eef1f6); }
  li.assistant .text > :first-child { margin-top: 0; } li.assistant .text > :last-child { margin-bottom: 0; }
  ol.messages > li.error { align-self: stretch; max-width: 100%; background: #fdecec; color: #7d1a1a; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
  .note { margin: 4px 0 0; font-size: 12px; font-style: italic; color: #4d5566; }
  .badge { margin-top: 6px; font-size: 12px; color: #3f4757; }
  .badge .who.local { color: #17612f; font-weight: 600; } .badge .who.edge { color: #7a4a00; font-weight: 600; }
  form { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; }
  textarea { flex: 1; min-width: 0; resize: vertical; padding: 8px; border: 1px solid #8a93a6; border-radius: 8px; min-height: 2.4em; }
  textarea[aria-invalid='true'] { border-color: #b42318; }
  .hint { flex-basis: 100%; margin: 0; font-size: 12px; color: #b42318; }
  button { padding: 8px 14px; border-radius: 8px; border: 0; background: var(--riskgate-color-primary, #2c5cc5); color: #fff; cursor: pointer; }
  button.stop { background: #5b6478; }
  button.link { background: none; color: #1f4fb5; padding: 2px 4px; text-decoration: underline; font-size: 12px; }
  button.retry { background: #7d1a1a; padding: 4px 10px; }
  button:focus-visible, textarea:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 2px solid #1f4fb5; outline-offset: 2px; }
  .connectivity { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 4px 8px; border-radius: 6px; background: #fff6e0; color: #5c3b00; }
  .connectivity .warn { color: #7a4a00; }
  footer { display: flex; justify-content: space-between; align-items: center; font-size: 12px; color: #3f4757; min-height: 1.5em; }
  pre { overflow-x: auto; background: #fff; padding: 6px; border-radius: 6px; }
  /* Markdown inside an answer: its own lists, numbered and indented, not message bubbles. */
  .text ol, .text ul { margin: 0.4em 0; padding-left: 1.5em; }
  .text ol { list-style: decimal; } .text ul { list-style: disc; }
  .text li { margin: 0.15em 0; }
`;
