/**
 * @module controllers/launcher-panel
 * `layout="launcher"`: the floating button opens the chat as a panel with the message box
 * focused; Close or Escape closes it with focus back on the button (while an answer streams,
 * Escape in the box stops the answer first). The open panel is a non-modal dialog named "Chat"
 * for assistive technology.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { chatIcon } from '../render/icons.js';
import type { WidgetStrings } from '../strings/strings.js';

type LauncherHost = ReactiveControllerHost &
  HTMLElement & {
    layout: 'inline' | 'launcher';
    open: boolean;
    readonly renderRoot: HTMLElement | DocumentFragment;
    readonly words: WidgetStrings;
  };

export class LauncherPanel implements ReactiveController {
  readonly #onKeydown = (e: KeyboardEvent) => {
    const { host } = this;
    if (e.key === 'Escape' && host.layout === 'launcher' && host.open && !this.busy() && !e.defaultPrevented)
      void this.close();
  };

  constructor(
    private readonly host: LauncherHost,
    /** An answer is streaming (Escape then belongs to the message box). */
    private readonly busy: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('keydown', this.#onKeydown);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('keydown', this.#onKeydown);
  }

  hostUpdated(): void {
    const { host } = this;
    if (host.layout === 'launcher' && host.open) {
      if (host.getAttribute('role') === 'dialog') return;
      host.setAttribute('role', 'dialog');
      host.setAttribute('aria-label', this.host.words.chat);
    } else if (host.getAttribute('role') === 'dialog') {
      host.removeAttribute('role');
      host.removeAttribute('aria-label');
    }
  }

  async open(): Promise<void> {
    this.host.open = true;
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  }

  async close(): Promise<void> {
    this.host.open = false;
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLButtonElement>('button.launcher')?.focus();
  }

  /** The closed launcher: one button. */
  renderButton(): TemplateResult {
    const t = this.host.words;
    return html`<button type="button" class="launcher" part="launcher" aria-expanded="false" aria-haspopup="dialog" @click=${() => this.open()}>
        ${chatIcon} ${t.chat}</button>`;
  }

  /** The open panel's title bar, with Close. */
  renderBar(): TemplateResult {
    const t = this.host.words;
    return html`<div class="panel-bar"><h2 id="panel-title">${t.chat}</h2>
      <button type="button" class="link close" part="close" aria-label=${t.closeChat} @click=${() => this.close()}>${t.close}</button></div>`;
  }
}
