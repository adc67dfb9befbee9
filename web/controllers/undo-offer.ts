/**
 * @module controllers/undo-offer
 * Clear with Undo: after a clear the footer offers Undo for ten seconds; Undo puts the conversation
 * back if nothing was said since. Each step is announced to screen readers.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const OFFER_MS = 10_000;

export class UndoOffer implements ReactiveController {
  /** Undo is on offer in the footer. */
  offered = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly conversation: { clear(): void; undoClear(): boolean },
    /** Tells screen readers: `cleared` (Undo is offered) or `restored`. */
    private readonly announce: (what: 'cleared' | 'restored') => void,
  ) {
    host.addController(this);
  }

  clear(): void {
    this.conversation.clear();
    this.#offer(true);
    this.announce('cleared');
    this.#timer = setTimeout(() => this.#offer(false), OFFER_MS);
  }

  undo(): void {
    this.#offer(false);
    if (this.conversation.undoClear()) this.announce('restored');
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  #offer(offered: boolean): void {
    clearTimeout(this.#timer);
    this.offered = offered;
    this.host.requestUpdate();
  }
}
