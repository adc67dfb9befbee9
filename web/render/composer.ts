/**
 * @module render/composer
 * The message box: a labelled textarea (Enter sends, Shift+Enter adds a line, Escape stops), Send,
 * and Stop while an answer is being produced. Focus stays in the box after sending.
 */
import { html, nothing } from 'lit';

export type ComposerProps = {
  readonly busy: boolean;
  readonly hint: string | undefined;
  readonly onSend: (text: string, input: HTMLTextAreaElement) => void;
  readonly onStop: () => void;
  readonly onFocus: () => void;
};

export function renderComposer(p: ComposerProps) {
  const submit = (form: HTMLFormElement) => {
    const input = form.querySelector('textarea')!;
    p.onSend(input.value, input);
  };
  return html`<form part="form" @submit=${(e: Event) => {
    e.preventDefault();
    submit(e.target as HTMLFormElement);
  }}>
    <label for="prompt" class="sr-only">Your message</label>
    <textarea id="prompt" name="prompt" part="input" rows="1" placeholder="Type a message" autocomplete="off"
      aria-describedby=${p.hint ? 'composer-hint' : nothing} aria-invalid=${p.hint ? 'true' : 'false'}
      @focus=${p.onFocus}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
          e.preventDefault();
          submit((e.target as HTMLElement).closest('form')!);
        }
        // Escape stops the answer being produced, as Stop does (chat widgets and terminals alike).
        else if (e.key === 'Escape' && p.busy) {
          e.preventDefault();
          p.onStop();
        }
      }}></textarea>
    ${p.busy ? html`<button type="button" class="stop" part="stop" @click=${p.onStop}>Stop</button>` : nothing}
    <button type="submit" part="send">Send</button>
    ${p.hint ? html`<p id="composer-hint" class="hint" role="status">${p.hint}</p>` : nothing}
  </form>`;
}

/** Edit: the text back in the box, grown to fit, with the caret in it. */
export function putInComposer(root: ParentNode, text: string): void {
  const input = root.querySelector<HTMLTextAreaElement>('textarea[name="prompt"]');
  if (!input) return;
  input.value = text;
  input.dispatchEvent(new Event('input'));
  input.focus();
}
