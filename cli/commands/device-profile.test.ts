import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../node/paths.js';
import { loadRoutingConfig } from '../routing-config-file.js';
import { ROUTELLM_ROLES } from '../../core/routing/routing-config.js';
import { deviceProfile } from './device-profile.js';

describe('riskgate device-profile', () => {
  it("turns the bench's measured local decode and prefill into cost-model constants that train/evaluate read", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rg-profile-')), 'p.json');
    await deviceProfile(['--rung', 'wasm-1', '--out', out]);
    const profile = JSON.parse(readFileSync(out, 'utf8'));
    // Independently: the median of every local wasm-1 decode sample in the committed bench.
    const bench = JSON.parse(readFileSync(resolve(REPO_ROOT, 'docs/bench/results.json'), 'utf8')) as {
      configurations: { rung: string; path: string; samples: { decode_tokens_per_s?: number[] } }[];
    };
    const decode = bench.configurations
      .filter((c) => c.rung === 'wasm-1' && c.path === 'local')
      .flatMap((c) => c.samples.decode_tokens_per_s ?? [])
      .sort((a, b) => a - b);
    const median =
      decode.length % 2
        ? decode[(decode.length - 1) / 2]!
        : (decode[decode.length / 2 - 1]! + decode[decode.length / 2]!) / 2;
    expect(profile.wireless.localDecodeSPerToken).toBeCloseTo(1 / median, 6);
    expect(profile.wireless.localPrefillSPerToken).toBeGreaterThan(0);
    expect(profile.source).toContain('rung wasm-1');
    const config = loadRoutingConfig(out, ROUTELLM_ROLES);
    expect(config.wireless.localDecodeSPerToken).toBe(profile.wireless.localDecodeSPerToken);
    await expect(deviceProfile(['--rung', 'no-such-rung', '--out', out])).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});
