/**
 * @module controllers/message-box
 * What the message box does: sends what was typed with the attached text files (as one message,
 * core/chat/attachments.ts), gives the text and the files back when the page cancels the message,
 * sends a starter, Continue or Ask again as the visitor's, and takes the last message back for Edit.
 * A file that is not text, or that would pass the limit, is refused with a hint under the box.
 */
import type { ReactiveControllerHost } from 'lit';
import { composeMessage, refuseAttachment, splitMessage, type TextAttachment } from '../../core/chat/attachments.js';
import { putInComposer } from '../render/composer.js';
import type { WidgetStrings } from '../strings/strings.js';
import { cancelledByPage } from './outgoing-message.js';

type MessageBoxHost = ReactiveControllerHost & {
  readonly words: WidgetStrings;
  readonly renderRoot: ParentNode;
  hint: string | undefined;
  announcement: string;
};

export type MessageBoxActions = {
  readonly send: (text: string) => Promise<unknown>;
  readonly takeBack: (promptId: number) => string | undefined;
  /** The visitor who sends wants to see the answer: follow the conversation to its end. */
  readonly pin: () => void;
};

export class MessageBox {
  /** The files attached to the message being written, in the order they were chosen. */
  files: readonly TextAttachment[] = [];

  constructor(
    private readonly host: MessageBoxHost,
    private readonly actions: MessageBoxActions,
  ) {}

  /** Reads the chosen files as text; the first refused one says why under the box, the others are kept. */
  async attach(chosen: Iterable<File>): Promise<void> {
    const t = this.host.words;
    let hint: string | undefined;
    for (const file of chosen) {
      const text = await file.text();
      const attached = this.files.reduce((n, f) => n + f.text.length, 0);
      const refusal = refuseAttachment(text, attached);
      if (refusal) hint ??= refusal.reason === 'not_text' ? t.notText(file.name) : t.tooLarge(file.name);
      else this.files = [...this.files, { name: file.name, text }];
    }
    this.host.hint = hint;
    this.host.announcement = hint ?? t.attachedSaid(this.files.map((f) => f.name).join(', '));
    this.host.requestUpdate();
  }

  remove(index: number): void {
    this.files = this.files.filter((_, i) => i !== index);
    this.host.requestUpdate();
  }

  /** Enter or Send: the typed text and the files go as one message; the box empties and keeps focus. */
  submit(typed: string, input: HTMLTextAreaElement): void {
    if (typed.trim() === '' && this.files.length === 0) {
      this.host.hint = this.host.words.typeFirst;
      input.focus();
      return;
    }
    const files = this.files;
    this.host.hint = undefined;
    this.files = [];
    this.actions.pin();
    input.value = '';
    input.focus();
    this.actions.send(composeMessage(typed, files)).catch((error: unknown) => {
      // Cancelled by the page: what was written comes back. Other errors are shown in the list.
      if (!cancelledByPage(error) || input.value !== '') return;
      input.value = typed;
      this.files = files;
      this.host.requestUpdate();
    });
  }

  /** A starter, Continue or Ask again: sent as the visitor's. */
  sendAsVisitor(text: string | undefined): void {
    if (text === undefined) return;
    this.actions.pin();
    void this.actions.send(text).catch(() => undefined); // shown in the message list and as riskgate-error
  }

  /** Edit: the last message's text back in the box and its files attached again. */
  editLast(promptId: number): void {
    const message = this.actions.takeBack(promptId);
    if (message === undefined) return;
    const { typed, files } = splitMessage(message);
    this.files = files;
    putInComposer(this.host.renderRoot, typed);
    this.host.announcement = this.host.words.editSaid;
    this.host.requestUpdate();
  }
}
