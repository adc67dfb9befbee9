/**
 * @module strings/strings
 * Which words the widget speaks. The element's `lang` attribute wins, then the nearest `lang` of
 * the page around it (a German page gets a German widget), then English; a language we do not ship
 * falls back to English. A site owner's `strings` property replaces single entries on top.
 */
import { de } from './de.js';
import { en, type WidgetStrings } from './en.js';

export type { WidgetStrings };

export const SHIPPED_LANGUAGES: Readonly<Record<string, WidgetStrings>> = { en, de };

/** The table for a BCP 47 tag: `de-AT` reads `de`; unknown or empty reads English. */
export function stringsFor(lang: string | null | undefined, overrides?: Partial<WidgetStrings>): WidgetStrings {
  const primary = (lang ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const table = SHIPPED_LANGUAGES[primary] ?? en;
  return overrides ? { ...table, ...overrides, errors: { ...table.errors, ...overrides.errors } } : table;
}

/** The language that applies to an element: its own `lang`, else the nearest ancestor's (through shadow roots). */
export function languageOf(element: Element): string {
  for (let node: Node | null = element; node; ) {
    if (node instanceof Element && node.getAttribute('lang')) return node.getAttribute('lang')!;
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return '';
}
