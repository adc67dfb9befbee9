/**
 * @module routing/routing-config
 * Roles and edge-model profiles are configuration, not code: which recorded model plays the
 * on-device role, which models sit on the edge, and each model's latency profile and price.
 * The defaults below are our assumptions (public 2024 list prices and typical hosted speeds),
 * documented in the README; `riskgate <cmd> --config FILE` overrides any of them.
 */
import { DEFAULT_WIRELESS, type WirelessConstants } from './wireless-cost.js';
import type { Roles } from '../data/routing-dataset.js';

export type ModelProfile = {
  readonly ttftOverheadS: number; // queueing + scheduling before the first token, s
  readonly prefillTokensPerS: number;
  readonly decodeTokensPerS: number;
  readonly usdPer1kInputTokens: number; // used only where a record carries no cost_usd
  readonly usdPer1kOutputTokens: number;
};

export type RoutingConfig = {
  readonly roles: Roles;
  readonly wireless: WirelessConstants;
  /** Profiles by model id; a model without one gets `defaultProfile`. */
  readonly profiles: Readonly<Record<string, ModelProfile>>;
  readonly defaultProfile: ModelProfile;
  /** Server-side token count estimate when a record has none (≈4 characters per BPE token). */
  readonly charsPerToken: number;
  /** Output length when a record has neither output_tokens nor a response text. */
  readonly defaultOutputTokens: number;
};

const profile = (ttftOverheadS: number, decodeTokensPerS: number, usdIn: number, usdOut: number): ModelProfile =>
  Object.freeze({
    ttftOverheadS,
    prefillTokensPerS: 5000,
    decodeTokensPerS,
    usdPer1kInputTokens: usdIn,
    usdPer1kOutputTokens: usdOut,
  });

export const DEFAULT_PROFILES: Readonly<Record<string, ModelProfile>> = Object.freeze({
  'gpt-4-1106-preview': profile(0.6, 30, 0.01, 0.03),
  'mistralai/Mixtral-8x7B-Instruct-v0.1': profile(0.3, 70, 0.0006, 0.0006),
  'mistralai/mixtral-8x7b-chat': profile(0.3, 70, 0.0006, 0.0006),
  'gpt-3.5-turbo-1106': profile(0.4, 70, 0.001, 0.002),
  'claude-instant-v1': profile(0.5, 80, 0.0008, 0.0024),
  'claude-v1': profile(0.9, 30, 0.008, 0.024),
  'claude-v2': profile(0.9, 30, 0.008, 0.024),
  'meta/llama-2-70b-chat': profile(0.5, 35, 0.0009, 0.0009),
  'meta/code-llama-instruct-34b-chat': profile(0.4, 45, 0.0008, 0.0008),
  'zero-one-ai/Yi-34B-Chat': profile(0.4, 45, 0.0008, 0.0008),
  'WizardLM/WizardLM-13B-V1.2': profile(0.3, 60, 0.0003, 0.0003),
  'mistralai/mistral-7b-chat': profile(0.25, 90, 0.0002, 0.0002),
});

/** RouteLLM's pair: the weaker Mixtral plays the on-device role, GPT-4 the edge. */
export const ROUTELLM_ROLES: Roles = Object.freeze({
  local: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
  edge: Object.freeze(['gpt-4-1106-preview']),
});

/** RouterBench: the smallest and cheapest model (7B) plays the device; the ten others are the edge. */
export const ROUTERBENCH_ROLES: Roles = Object.freeze({
  local: 'mistralai/mistral-7b-chat',
  edge: Object.freeze([
    'WizardLM/WizardLM-13B-V1.2',
    'claude-instant-v1',
    'claude-v1',
    'claude-v2',
    'gpt-3.5-turbo-1106',
    'gpt-4-1106-preview',
    'meta/code-llama-instruct-34b-chat',
    'meta/llama-2-70b-chat',
    'mistralai/mixtral-8x7b-chat',
    'zero-one-ai/Yi-34B-Chat',
  ]),
});

export function defaultRoutingConfig(roles: Roles = ROUTELLM_ROLES): RoutingConfig {
  return Object.freeze({
    roles,
    wireless: DEFAULT_WIRELESS,
    profiles: DEFAULT_PROFILES,
    defaultProfile: profile(0.5, 40, 0.001, 0.002),
    charsPerToken: 4,
    defaultOutputTokens: 64,
  });
}

/** Picks the default roles for a dataset by the models it records. */
export function defaultRolesFor(models: ReadonlySet<string>): Roles {
  if (models.has(ROUTERBENCH_ROLES.local)) return ROUTERBENCH_ROLES;
  return ROUTELLM_ROLES;
}
