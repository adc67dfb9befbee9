/**
 * @module controllers/copy-feedback
 * Copy on an answer: the answer's button says for two seconds whether it worked, and the screen
 * reader is told the same (a browser may refuse the clipboard without a user gesture).
 */
import type { ReactiveControllerHost } from 'lit';
import type { WidgetStrings } from '../strings/strings.js';

type CopyHost = ReactiveControllerHost & { readonly words: WidgetStrings; announcement: string };

const SHOWN_MS = 2_000;

export class CopyFeedback {
  /** The answer whose Copy button shows the result, and the result. */
  copied: { id: number; ok: boolean } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: CopyHost) {}

  async copy(id: number, text: string): Promise<void> {
    const ok = await (navigator.clipboard?.writeText(text).then(
      () => true,
      () => false,
    ) ?? Promise.resolve(false));
    this.copied = { id, ok };
    this.host.requestUpdate();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.copied = undefined;
      this.host.requestUpdate();
    }, SHOWN_MS);
    this.host.announcement = ok ? this.host.words.copiedSaid : this.host.words.copyFailedSaid;
  }
}
