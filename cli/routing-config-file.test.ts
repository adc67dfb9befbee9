import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTELLM_ROLES } from '../core/routing/routing-config.js';
import { DEFAULT_WIRELESS } from '../core/routing/wireless-cost.js';
import { loadRoutingConfig } from './routing-config-file.js';

const write = (value: unknown) => {
  const p = join(mkdtempSync(join(tmpdir(), 'rg-')), 'c.json');
  writeFileSync(p, JSON.stringify(value));
  return p;
};

describe('--config routing configuration', () => {
  it('overrides roles, single constants and profiles and keeps every other default', () => {
    const c = loadRoutingConfig(
      write({
        roles: { local: 'a', edge: ['b'] },
        wireless: { usdWeight: 0 },
        profiles: {
          b: {
            ttftOverheadS: 1,
            prefillTokensPerS: 10,
            decodeTokensPerS: 5,
            usdPer1kInputTokens: 0,
            usdPer1kOutputTokens: 0,
          },
        },
      }),
      ROUTELLM_ROLES,
    );
    expect(c.roles).toEqual({ local: 'a', edge: ['b'] });
    expect(c.wireless.usdWeight).toBe(0);
    expect(c.wireless.latencyWeight).toBe(DEFAULT_WIRELESS.latencyWeight);
    expect(c.profiles.b!.decodeTokensPerS).toBe(5);
    expect(c.profiles['gpt-4-1106-preview']).toBeDefined();
  });

  it('refuses a misspelt key or a negative constant with invalid_request naming the field', () => {
    expect(() => loadRoutingConfig(write({ wireless: { latencyWieght: 1 } }), ROUTELLM_ROLES)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(() => loadRoutingConfig(write({ wireless: { latencyWeight: -1 } }), ROUTELLM_ROLES)).toThrow(
      /wireless\.latencyWeight/,
    );
  });

  it('uses the given default roles when there is no file', () => {
    expect(loadRoutingConfig(undefined, ROUTELLM_ROLES).roles).toBe(ROUTELLM_ROLES);
  });
});
