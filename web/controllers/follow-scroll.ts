/**
 * @module controllers/follow-scroll
 * Follows the conversation while the visitor is at its end; a visitor who scrolled up to read is
 * left there, and `unseen` says new content arrived below (the "New messages below" cue).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Closer to the end than this (px) counts as at the end. */
const AT_END_PX = 32;

export class FollowScroll implements ReactiveController {
  unseen = false;
  #list: HTMLElement | undefined;
  #pinned = true;
  #seenHeight = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly findList: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const list = this.findList();
    if (!list) return;
    if (list !== this.#list) {
      this.#list = list;
      list.addEventListener(
        'scroll',
        () => {
          this.#pinned = list.scrollHeight - list.scrollTop - list.clientHeight < AT_END_PX;
          if (this.#pinned && this.unseen) this.#setUnseen(false);
        },
        { passive: true },
      );
    }
    if (this.#pinned) list.scrollTop = list.scrollHeight;
    else if (list.scrollHeight > this.#seenHeight && !this.unseen) this.#setUnseen(true);
    this.#seenHeight = list.scrollHeight;
  }

  /** The visitor sent something, or cleared: follow the end again. */
  pin(): void {
    this.#pinned = true;
    this.#setUnseen(false);
  }

  scrollToEnd(): void {
    this.pin();
    this.#list?.scrollTo({ top: this.#list.scrollHeight });
  }

  #setUnseen(value: boolean): void {
    this.unseen = value;
    this.host.requestUpdate();
  }
}
