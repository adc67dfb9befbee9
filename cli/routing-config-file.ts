/**
 * @module cli/routing-config-file
 * `--config FILE`: a JSON file that overrides any part of the routing configuration (roles,
 * wireless and device constants, model profiles). Validated with zod; unknown keys are refused so
 * a typo cannot silently leave a default in place.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RouterError } from '../core/errors.js';
import type { Roles } from '../core/data/routing-dataset.js';
import { DEFAULT_WIRELESS } from '../core/routing/wireless-cost.js';
import { defaultRoutingConfig, type RoutingConfig } from '../core/routing/routing-config.js';

const positive = z.number().positive();
const profile = z.strictObject({
  ttftOverheadS: z.number().nonnegative(),
  prefillTokensPerS: positive,
  decodeTokensPerS: positive,
  usdPer1kInputTokens: z.number().nonnegative(),
  usdPer1kOutputTokens: z.number().nonnegative(),
});
const wirelessKeys = Object.fromEntries(
  Object.keys(DEFAULT_WIRELESS).map((k) => [k, z.number().nonnegative().optional()]),
);

const schema = z.strictObject({
  /** Where the constants come from (e.g. written by \`riskgate device-profile\`); not read. */
  source: z.string().optional(),
  roles: z.strictObject({ local: z.string().min(1), edge: z.array(z.string().min(1)).min(1) }).optional(),
  wireless: z.strictObject(wirelessKeys).optional(),
  profiles: z.record(z.string(), profile).optional(),
  defaultProfile: profile.optional(),
  charsPerToken: positive.optional(),
  defaultOutputTokens: positive.optional(),
});

export function loadRoutingConfig(path: string | undefined, defaultRoles: Roles): RoutingConfig {
  const base = defaultRoutingConfig(defaultRoles);
  if (!path) return base;
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new RouterError(
      'invalid_request',
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const o = parsed.data;
  return {
    ...base,
    ...(o.roles ? { roles: o.roles } : {}),
    wireless: { ...base.wireless, ...(o.wireless as Partial<RoutingConfig['wireless']>) },
    profiles: { ...base.profiles, ...o.profiles },
    ...(o.defaultProfile ? { defaultProfile: o.defaultProfile } : {}),
    ...(o.charsPerToken ? { charsPerToken: o.charsPerToken } : {}),
    ...(o.defaultOutputTokens ? { defaultOutputTokens: o.defaultOutputTokens } : {}),
  };
}
