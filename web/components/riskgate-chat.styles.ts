/**
 * @module riskgate-chat.styles
 * Theming goes through `--riskgate-color-*` custom properties and `::part()` names; every colour
 * is one of them. `theme="auto"` (the default) follows the visitor's `prefers-color-scheme`,
 * `light` / `dark` fix it. Both palettes meet WCAG AA contrast (axe checks them in the journeys).
 */
import { css, unsafeCSS } from 'lit';

/** A site owner's `--riskgate-color-*` wins over either palette (our own constants, never page input). */
const palette = (p: Record<string, string>) =>
  unsafeCSS(
    Object.entries(p)
      .map(([name, value]) => `--_${name}: var(--riskgate-color-${name}, ${value});`)
      .join(' '),
  );

const LIGHT = palette({
  text: '#1d2433',
  background: '#fff',
  border: '#d6dae3',
  muted: '#4d5566',
  subtle: '#3f4757',
  warn: '#7a4a00',
  primary: '#2c5cc5',
  'on-primary': '#fff',
  secondary: '#eef1f6',
  link: '#1f4fb5',
  success: '#17612f',
  danger: '#b42318',
  'error-background': '#fdecec',
  error: '#7d1a1a',
  'input-border': '#8a93a6',
  stop: '#5b6478',
  'notice-background': '#fff6e0',
  notice: '#5c3b00',
  'code-background': '#fff',
  'code-keyword': '#8a2bb5',
  'code-string': '#1a6b2f',
  'code-comment': '#596170',
  'code-number': '#8f4500',
  'code-title': '#1f4fb5',
});
const DARK = palette({
  text: '#e6e9ef',
  background: '#161a22',
  border: '#3a4150',
  muted: '#aab2c2',
  subtle: '#b9c1cf',
  warn: '#f2c069',
  primary: '#3562c9',
  'on-primary': '#fff',
  secondary: '#262d3a',
  link: '#9dbcff',
  success: '#86dca0',
  danger: '#ff9b91',
  'error-background': '#3d1d1f',
  error: '#ffc2bd',
  'input-border': '#7a8396',
  stop: '#5b6478',
  'notice-background': '#3a2f14',
  notice: '#ffdf9a',
  'code-background': '#0f131a',
  'code-keyword': '#d7a6ff',
  'code-string': '#9fe0a9',
  'code-comment': '#a3acbb',
  'code-number': '#ffbf7a',
  'code-title': '#9dbcff',
});

export const chatStyles = css`
  :host { ${LIGHT} color-scheme: light; }
  :host([theme='dark']) { ${DARK} color-scheme: dark; }
  @media (prefers-color-scheme: dark) { :host(:not([theme='light'])) { ${DARK} color-scheme: dark; } }
  :host {
    display: flex; flex-direction: column; gap: 8px; font: 15px/1.45 system-ui, sans-serif;
    color: var(--_text); background: var(--_background);
    border: 1px solid var(--_border); border-radius: var(--riskgate-border-radius, 12px);
    padding: 12px; box-sizing: border-box; min-height: 320px;
    /* Bounded by default, so the composer stays in view; a site owner sets the height it wants. */
    height: var(--riskgate-height, auto); max-height: var(--riskgate-max-height, min(640px, 90vh)); overflow: auto;
  }
  /* layout="launcher": a floating button; open, a panel over the page's corner. */
  :host([layout='launcher']:not([open])) { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; border: 0; padding: 0; background: none; min-height: 0; height: auto; overflow: visible; }
  :host([layout='launcher'][open]) { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; width: min(420px, calc(100vw - 32px)); height: min(640px, calc(100vh - 32px)); box-shadow: 0 8px 32px rgb(0 0 0 / 0.25); }
  button.launcher { border-radius: 999px; padding: 12px 18px; font-weight: 600; box-shadow: 0 4px 16px rgb(0 0 0 / 0.25); }
  .panel-bar { display: flex; justify-content: space-between; align-items: center; }
  .panel-bar h2 { margin: 0; font-size: 15px; }
  details.answer-settings > summary { font-size: 13px; }
  .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  header { display: flex; flex-direction: column; gap: 6px; font-size: 13px; flex-shrink: 0; }
  form, footer { flex-shrink: 0; }
  button.new-messages { align-self: center; }
  .starters { display: flex; flex-wrap: wrap; gap: 6px; justify-content: center; margin-top: 8px; }
  button.starter { background: var(--_secondary); color: var(--_text); border: 1px solid var(--_border); border-radius: 999px; padding: 6px 12px; font-size: 13px; }
  fieldset.operating-point { display: flex; flex-wrap: wrap; gap: 8px 20px; border: 0; margin: 0; padding: 0; }
  .control { display: flex; flex-direction: column; gap: 2px; flex: 1 1 220px; }
  .control label { font-weight: 600; }
  .control small { color: var(--_muted); }
  .status { color: var(--_subtle); display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
  .status .warn { color: var(--_warn); }
  details summary { cursor: pointer; color: var(--_subtle); font-size: 12px; }
  details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 4px 0; font-size: 12px; }
  details dt { font-weight: 600; } details dd { margin: 0; overflow-wrap: anywhere; }
  select, input, textarea, button { font: inherit; }
  ol.messages { list-style: none; margin: 0; padding: 0; flex: 1 1 auto; overflow-y: auto; display: flex; flex-direction: column; gap: 8px; min-height: 120px; }
  ol.messages > li { padding: 8px 10px; border-radius: var(--riskgate-message-border-radius, 10px); max-width: 85%; overflow-wrap: anywhere; }
  ol.messages > li.empty { align-self: center; color: var(--_muted); max-width: 100%; }
  ol.messages > li.user { align-self: flex-end; background: var(--_primary); color: var(--_on-primary); }
  li.user .text { white-space: pre-wrap; }
  li.user .note { color: var(--_on-primary); }
  li.user button.link { color: var(--_on-primary); padding-left: 0; }
  ol.messages > li.assistant { align-self: flex-start; background: var(--_secondary); }
  li.assistant .text > :first-child { margin-top: 0; } li.assistant .text > :last-child { margin-bottom: 0; }
  ol.messages > li.error { align-self: stretch; max-width: 100%; background: var(--_error-background); color: var(--_error); display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
  .speaker { display: flex; align-items: center; gap: 6px; margin-bottom: 4px; font-size: 12px; font-weight: 600; }
  .speaker img { width: 24px; height: 24px; border-radius: var(--riskgate-avatar-border-radius, 50%); object-fit: cover; flex: none; }
  .note { margin: 4px 0 0; font-size: 12px; font-style: italic; color: var(--_muted); }
  .badge { margin-top: 6px; font-size: 12px; color: var(--_subtle); }
  .badge .who.local { color: var(--_success); font-weight: 600; } .badge .who.edge { color: var(--_warn); font-weight: 600; }
  form { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; }
  textarea { flex: 1; min-width: 0; resize: vertical; padding: 8px; border: 1px solid var(--_input-border); border-radius: 8px; min-height: 2.4em; field-sizing: content; max-height: 10em; color: inherit; background: var(--_background); }
  textarea[aria-invalid='true'] { border-color: var(--_danger); }
  svg.icon { vertical-align: -0.125em; }
  button.attach { background: none; color: var(--_text); border: 1px solid var(--_input-border); padding: 8px 10px; }
  ul.attachments { flex-basis: 100%; order: -1; display: flex; flex-wrap: wrap; gap: 6px; list-style: none; margin: 0; padding: 0; font-size: 13px; }
  ul.attachments li { border: 1px solid var(--_border); border-radius: 999px; padding: 2px 4px 2px 10px; }
  details.attachment { font-size: 12px; margin-top: 4px; }
  li.user details.attachment summary { color: inherit; }
  details.attachment pre { max-height: 12em; overflow: auto; white-space: pre-wrap; background: var(--_background); color: var(--_text); padding: 6px; border-radius: 6px; }
  .hint { flex-basis: 100%; margin: 0; font-size: 12px; color: var(--_danger); }
  button { padding: 8px 14px; border-radius: 8px; border: 0; background: var(--_primary); color: var(--_on-primary); cursor: pointer; }
  button.stop { background: var(--_stop); }
  button.link { background: none; color: var(--_link); padding: 2px 4px; text-decoration: underline; font-size: 12px; }
  button.retry { background: var(--_error); color: var(--_error-background); padding: 4px 10px; }
  button:focus-visible, textarea:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 2px solid var(--_link); outline-offset: 2px; }
  .connectivity { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 4px 8px; border-radius: 6px; background: var(--_notice-background); color: var(--_notice); }
  .connectivity .warn { color: var(--_notice); }
  footer { display: flex; justify-content: space-between; align-items: center; font-size: 12px; color: var(--_subtle); min-height: 1.5em; }
  .code-block { position: relative; }
  .code-block pre { padding-top: 22px; }
  .code-block button.copy-code { position: absolute; top: 2px; right: 2px; background: var(--_code-background); }
  .hljs-keyword, .hljs-literal, .hljs-selector-tag, .hljs-meta { color: var(--_code-keyword); }
  .hljs-string, .hljs-regexp, .hljs-symbol, .hljs-template-tag { color: var(--_code-string); }
  .hljs-comment, .hljs-quote { color: var(--_code-comment); font-style: italic; }
  .hljs-number, .hljs-attr, .hljs-attribute, .hljs-variable, .hljs-params { color: var(--_code-number); }
  .hljs-title, .hljs-built_in, .hljs-name, .hljs-type, .hljs-section { color: var(--_code-title); }
  pre { overflow-x: auto; background: var(--_code-background); padding: 6px; border-radius: 6px; }
  /* Markdown inside an answer: its own lists, numbered and indented, not message bubbles. */
  .text ol, .text ul { margin: 0.4em 0; padding-left: 1.5em; }
  .text ol { list-style: decimal; } .text ul { list-style: disc; }
  .text li { margin: 0.15em 0; }
`;
