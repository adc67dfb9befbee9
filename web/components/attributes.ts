/**
 * @module attributes
 * The element's public attributes: each has a default (what removing the attribute restores, as
 * Lit and HTML do) and a validity rule. Invalid values are refused with `invalid_request` and the
 * previous value is kept (riskgate-chat.ts `willUpdate`).
 */
import type { ThreadsPreference } from '../../core/protocol/capabilities.js';

export type Preload = 'none' | 'auto';

type Spec<T> = {
  readonly attribute: string;
  readonly fallback: () => T;
  readonly parse: (value: string) => unknown;
  readonly valid: (value: unknown) => value is T;
  readonly expected: string;
};

const oneOf =
  <T extends string>(...values: T[]) =>
  (v: unknown): v is T =>
    values.includes(v as T);
const numberIn =
  (min: number, max: number, { integer = false, exclusive = false } = {}) =>
  (v: unknown): v is number =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!integer || Number.isInteger(v)) &&
    (exclusive ? v > min && v < max : v >= min && v <= max);
/** An avatar: an http(s) image URL, or an inline `data:image/…` one (no request; the page's CSP needs `img-src data:`). */
const isImageUrl = (v: unknown): v is string =>
  v === '' || (typeof v === 'string' && (/^data:image\/[\w.+-]+[;,]/.test(v) || isUrl(v)));
const isName = (v: unknown): v is string => typeof v === 'string' && v.length <= 60;
const isUrl = (v: unknown): v is string => {
  if (typeof v !== 'string' || v.trim() === '') return false;
  try {
    return ['http:', 'https:'].includes(new URL(v, document.baseURI).protocol);
  } catch {
    return false;
  }
};

export const ATTRIBUTES = {
  endpoint: {
    attribute: 'endpoint',
    fallback: () => 'http://localhost:8787',
    parse: String,
    valid: isUrl,
    expected: 'an http(s) URL',
  } as Spec<string>,
  costWeight: {
    attribute: 'cost-weight',
    fallback: () => 0.5,
    parse: Number,
    valid: numberIn(0, 1e6),
    expected: 'a number ≥ 0',
  } as Spec<number>,
  riskLevel: {
    attribute: 'risk-level',
    fallback: () => 0.1,
    parse: Number,
    valid: numberIn(0, 1, { exclusive: true }),
    expected: 'a number between 0 and 1',
  } as Spec<number>,
  mode: {
    attribute: 'mode',
    fallback: () => 'auto',
    parse: String,
    valid: oneOf('auto', 'local', 'edge'),
    expected: 'auto, local or edge',
  } as Spec<'auto' | 'local' | 'edge'>,
  backend: {
    attribute: 'backend',
    fallback: () => 'auto',
    parse: String,
    valid: oneOf('auto', 'wasm', 'webgpu'),
    expected: 'auto, wasm or webgpu',
  } as Spec<'auto' | 'wasm' | 'webgpu'>,
  threads: {
    attribute: 'threads',
    fallback: () => 'auto',
    parse: (v) => (v === 'auto' ? v : Number(v)),
    valid: (v: unknown): v is ThreadsPreference => v === 'auto' || numberIn(1, 64, { integer: true })(v),
    expected: "'auto' or a whole number from 1 to 64",
  } as Spec<ThreadsPreference>,
  modelsUrl: {
    attribute: 'models-url',
    fallback: () => '',
    parse: String,
    valid: (v: unknown): v is string => v === '' || isUrl(v),
    expected: 'a URL of the models folder',
  } as Spec<string>,
  maxTokens: {
    attribute: 'max-tokens',
    fallback: () => 96,
    parse: Number,
    valid: numberIn(1, 4096, { integer: true }),
    expected: 'a whole number from 1 to 4096',
  } as Spec<number>,
  offline: {
    attribute: 'offline',
    fallback: () => 'queue',
    parse: String,
    valid: oneOf('queue', 'local'),
    expected: 'queue or local',
  } as Spec<'queue' | 'local'>,
  conversation: {
    attribute: 'conversation',
    fallback: () => 'default',
    parse: String,
    valid: (v: unknown): v is string => typeof v === 'string' && /^[\w.-]{0,64}$/.test(v),
    expected: 'a name of up to 64 letters, digits, _ . - (empty: not kept)',
  } as Spec<string>,
  token: {
    attribute: 'token',
    fallback: () => '',
    parse: String,
    valid: (v: unknown): v is string => typeof v === 'string' && /^[\w.~+/=-]{0,4096}$/.test(v),
    expected: 'a bearer token (letters, digits and . _ ~ + / = -)',
  } as Spec<string>,
  riskControl: {
    attribute: 'risk-control',
    fallback: () => 'marginal',
    parse: String,
    valid: oneOf('marginal', 'per-cluster'),
    expected: 'marginal or per-cluster',
  } as Spec<'marginal' | 'per-cluster'>,
  adaptThreshold: {
    attribute: 'adapt-threshold',
    fallback: () => 'off',
    parse: String,
    valid: oneOf('off', 'feedback'),
    expected: 'off or feedback',
  } as Spec<'off' | 'feedback'>,
  shadowRate: {
    attribute: 'shadow-rate',
    fallback: () => 0,
    parse: Number,
    valid: numberIn(0, 1),
    expected: 'a number from 0 to 1',
  } as Spec<number>,
  costModel: {
    attribute: 'cost-model',
    fallback: () => 'calibrated',
    parse: String,
    valid: oneOf('calibrated', 'live'),
    expected: 'calibrated or live',
  } as Spec<'calibrated' | 'live'>,
  gateLabels: {
    attribute: 'gate-labels',
    fallback: () => 'own',
    parse: String,
    valid: oneOf('own', 'any'),
    expected: 'own or any',
  } as Spec<'own' | 'any'>,
  layout: {
    attribute: 'layout',
    fallback: () => 'inline',
    parse: String,
    valid: oneOf('inline', 'launcher'),
    expected: 'inline or launcher',
  } as Spec<'inline' | 'launcher'>,
  controls: {
    attribute: 'controls',
    fallback: () => 'full',
    parse: String,
    valid: oneOf('full', 'compact', 'none'),
    expected: 'full, compact or none',
  } as Spec<'full' | 'compact' | 'none'>,
  welcome: {
    attribute: 'welcome',
    fallback: () => '',
    parse: String,
    valid: (v: unknown): v is string => typeof v === 'string' && v.length <= 500,
    expected: 'a greeting of up to 500 characters',
  } as Spec<string>,
  starters: {
    attribute: 'starters',
    fallback: () => [],
    parse: (v: string) =>
      v
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean),
    valid: (v: unknown): v is string[] =>
      Array.isArray(v) && v.length <= 6 && v.every((s) => typeof s === 'string' && s.length <= 200),
    expected: 'up to 6 prompts separated by |, each up to 200 characters',
  } as Spec<string[]>,
  systemPrompt: {
    attribute: 'system-prompt',
    fallback: () => '',
    parse: String,
    valid: (v: unknown): v is string => typeof v === 'string' && v.length <= 4000,
    expected: 'instructions of up to 4,000 characters',
  } as Spec<string>,
  assistantName: {
    attribute: 'assistant-name',
    fallback: () => '',
    parse: String,
    valid: isName,
    expected: 'a name of up to 60 characters',
  } as Spec<string>,
  userName: {
    attribute: 'user-name',
    fallback: () => '',
    parse: String,
    valid: isName,
    expected: 'a name of up to 60 characters',
  } as Spec<string>,
  assistantAvatar: {
    attribute: 'assistant-avatar',
    fallback: () => '',
    parse: String,
    valid: isImageUrl,
    expected: 'an http(s) or data:image URL of a picture',
  } as Spec<string>,
  userAvatar: {
    attribute: 'user-avatar',
    fallback: () => '',
    parse: String,
    valid: isImageUrl,
    expected: 'an http(s) or data:image URL of a picture',
  } as Spec<string>,
  theme: {
    attribute: 'theme',
    fallback: () => 'auto',
    parse: String,
    valid: oneOf('auto', 'light', 'dark'),
    expected: 'auto, light or dark',
  } as Spec<'auto' | 'light' | 'dark'>,
  preload: {
    attribute: 'preload',
    fallback: () => 'auto',
    parse: String,
    valid: oneOf('none', 'auto'),
    expected: 'none or auto',
  } as Spec<Preload>,
} as const;

export type AttributeName = keyof typeof ATTRIBUTES;

/** Lit property declarations: removing the attribute gives the default, any other value is parsed for checking. */
export const attributeProperties = Object.fromEntries(
  Object.entries(ATTRIBUTES).map(([name, spec]) => [
    name,
    {
      attribute: spec.attribute,
      converter: { fromAttribute: (value: string | null) => (value === null ? spec.fallback() : spec.parse(value)) },
    },
  ]),
) as Record<AttributeName, { attribute: string; converter: { fromAttribute(value: string | null): unknown } }>;
