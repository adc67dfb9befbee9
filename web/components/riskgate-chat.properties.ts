/**
 * @module riskgate-chat.properties
 * The element's reactive properties in one place: the public attributes (attributes.ts: default
 * and validity of each), the reflected ones the stylesheet reads, and the element's own state.
 * An invalid value is refused with `riskgate-error` (`invalid_request`) and the previous value is
 * kept, as a site owner's typo must not break a working widget.
 */
import { LitElement, type PropertyValues } from 'lit';
import type { BackendPreference, ThreadsPreference } from '../../core/protocol/capabilities.js';
import type { RouteMode } from '../../core/protocol/chat.js';
import type { OfflinePolicy } from '../controllers/conversation.js';
import { languageOf, stringsFor, type WidgetStrings } from '../strings/strings.js';
import { ATTRIBUTES, type AttributeName, attributeProperties, type Preload } from './attributes.js';

export class RiskgateChatProperties extends LitElement {
  // theme and layout are reflected: the stylesheet picks the palette and the frame from them.
  static override properties = {
    ...attributeProperties,
    theme: { ...attributeProperties.theme, reflect: true },
    layout: { ...attributeProperties.layout, reflect: true },
    open: { type: Boolean, reflect: true },
    // `lang` is the global attribute: observed so a change re-renders in that language.
    lang: { type: String, reflect: true },
    strings: { attribute: false },
    hint: { state: true },
    announcement: { state: true },
    updateAvailable: { state: true },
  };

  // Reactive properties are `declare`d and set in the constructor: a class-field initializer
  // would shadow Lit's accessors (standard [[Define]] semantics) and nothing would re-render.
  declare endpoint: string;
  declare costWeight: number;
  declare riskLevel: number;
  declare mode: RouteMode;
  declare backend: BackendPreference;
  declare threads: ThreadsPreference;
  declare modelsUrl: string;
  declare maxTokens: number;
  declare preload: Preload;
  /** `auto` follows the visitor's `prefers-color-scheme`; `light` and `dark` fix the palette. */
  declare theme: 'auto' | 'light' | 'dark';
  /** `launcher`: a floating button that opens the chat as a panel; `inline`: the chat in the page's flow. */
  declare layout: 'inline' | 'launcher';
  /** The launcher's panel is open (reflected: a site can open it with the attribute). */
  declare open: boolean;
  /** The language of every visible word (`en`, `de`); empty: the page's `lang`, else English. */
  declare lang: string;
  /** A site owner's replacements for single entries of the strings table (web/strings/en.ts). */
  declare strings: Partial<WidgetStrings> | undefined;
  /** The operating-point picker: `full`, `compact` (behind an "Answer settings" toggle) or `none`. */
  declare controls: 'full' | 'compact' | 'none';
  /** The greeting of an empty conversation. */
  declare welcome: string;
  /** Suggested first messages (attribute: separated by `|`). */
  declare starters: string[];
  /** Instructions sent first, as the system message, to the edge and to the local model's chat template. */
  declare systemPrompt: string;
  /** Names shown above each message (empty: none shown; a screen reader still hears "You" and "Assistant"). */
  declare assistantName: string;
  declare userName: string;
  /** Pictures shown beside the names (empty: none). */
  declare assistantAvatar: string;
  declare userAvatar: string;
  declare offline: OfflinePolicy;
  declare conversation: string;
  declare updateAvailable: (() => void) | undefined;
  declare token: string;
  /** `per-cluster`: each prompt gets its cluster's calibrated threshold (decision 022). */
  declare riskControl: 'marginal' | 'per-cluster';
  /** `feedback`: adapt τ(λ, α) from visitors' "not good enough" reports (decision 022). */
  declare adaptThreshold: 'off' | 'feedback';
  /** ρ: the share of answers given here that are also checked against the larger model (decision 024). */
  declare shadowRate: number;
  /** `live`: τ(λ, α) recalibrated at each prompt with this device's measured costs (decision 023). */
  declare costModel: 'calibrated' | 'live';
  /** `any`: route with a gate fitted to another model's answers (evaluation only; decision 025). */
  declare gateLabels: 'own' | 'any';
  /** A sentence under the message box (e.g. "Type a message first."). */
  declare hint: string | undefined;
  /** What the polite live region says to a screen reader. */
  declare announcement: string;

  constructor() {
    super();
    for (const [name, spec] of Object.entries(ATTRIBUTES)) (this as Record<string, unknown>)[name] = spec.fallback();
    this.open = false;
    this.strings = undefined;
    this.hint = undefined;
    this.announcement = '';
    this.updateAvailable = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    for (const name of Object.keys(ATTRIBUTES) as AttributeName[]) {
      if (!changed.has(name)) continue;
      const spec = ATTRIBUTES[name];
      const value = this[name];
      if (spec.valid(value)) continue;
      const previous = changed.get(name) as unknown;
      (this as Record<string, unknown>)[name] = spec.valid(previous) ? previous : spec.fallback();
      const message = `${spec.attribute} must be ${spec.expected}, not ${JSON.stringify(value)}; keeping ${JSON.stringify(this[name])}`;
      console.warn(`<riskgate-chat>: ${message}`);
      this.emit('riskgate-error', { code: 'invalid_request', message });
    }
  }

  /** The words the visitor reads: `lang` (the element's, else the page's), then the site's `strings`. */
  get words(): WidgetStrings {
    return stringsFor(languageOf(this), this.strings);
  }

  /** Every event the element sends bubbles out of its shadow root. */
  protected emit(name: string, detail: object): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
