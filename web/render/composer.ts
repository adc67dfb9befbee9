/**
 * @module render/composer
 * The message box: a labelled textarea (Enter sends, Shift+Enter adds a line, Escape stops), Send,
 * and Stop while an answer is being produced; text files attached to the message, each with
 * Remove. Focus stays in the box after sending.
 */
import { html, nothing } from 'lit';
import type { TextAttachment } from '../../core/chat/attachments.js';
import type { WidgetStrings } from '../strings/strings.js';
import { paperclipIcon } from './icons.js';

/** What the file picker offers; the content is checked anyway (core/chat/attachments.ts). */
const TEXT_FILES = 'text/*,.md,.markdown,.csv,.tsv,.json,.yaml,.yml,.xml,.log,.ini,.toml,.ts,.js,.py,.html,.css,.sql';

export type ComposerProps = {
  readonly t: WidgetStrings;
  readonly busy: boolean;
  readonly hint: string | undefined;
  readonly onSend: (text: string, input: HTMLTextAreaElement) => void;
  readonly onStop: () => void;
  readonly onFocus: () => void;
  readonly files: readonly TextAttachment[];
  readonly onAttach: (files: File[]) => void;
  readonly onRemoveFile: (index: number) => void;
};

export function renderComposer(p: ComposerProps) {
  const submit = (form: HTMLFormElement) => {
    const input = form.querySelector('textarea')!;
    p.onSend(input.value, input);
  };
  const { t } = p;
  return html`<form part="form" @submit=${(e: Event) => {
    e.preventDefault();
    submit(e.target as HTMLFormElement);
  }}>
    <label for="prompt" class="sr-only">${t.yourMessage}</label>
    <textarea id="prompt" name="prompt" part="input" rows="1" placeholder=${t.placeholder} autocomplete="off"
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
    <button type="button" class="attach" part="attach" aria-label=${t.attach} title=${t.attach}
      @click=${(e: Event) => ((e.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement).click()}>${paperclipIcon}</button>
    <input type="file" name="attachment" hidden multiple accept=${TEXT_FILES} @change=${(e: Event) => {
      const input = e.target as HTMLInputElement;
      p.onAttach([...(input.files ?? [])]);
      input.value = ''; // the same file can be chosen again after Remove
    }} />
    ${p.busy ? html`<button type="button" class="stop" part="stop" @click=${p.onStop}>${t.stop}</button>` : nothing}
    <button type="submit" part="send">${t.send}</button>
    ${p.files.length ? html`<ul class="attachments" aria-label=${t.attachedFiles}>${p.files.map((f, i) => html`<li><span>${paperclipIcon} ${f.name}</span> <button type="button" class="link remove-file" aria-label=${t.removeFile(f.name)} @click=${() => p.onRemoveFile(i)}>${t.remove}</button></li>`)}</ul>` : nothing}
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
