import { describe, expect, it } from 'vitest';
import { createChannelSampler, DEFAULT_WIRELESS, edgeCost, linkRatesBps, localCost } from './wireless-cost.js';

const profile = { ttftOverheadS: 0.2, prefillTokensPerS: 2000, decodeTokensPerS: 40 };
const ch = { distanceM: 100, fadingUp: 1, fadingDown: 1 };

describe('CR² wireless cost model', () => {
  it('Shannon rates fall with distance and grow with bandwidth', () => {
    const near = linkRatesBps({ ...ch, distanceM: 30 });
    const far = linkRatesBps({ ...ch, distanceM: 300 });
    expect(near.up).toBeGreaterThan(far.up);
    expect(near.down).toBeGreaterThan(far.down);
    const wide = linkRatesBps(ch, { ...DEFAULT_WIRELESS, uplinkBandwidthHz: 40e6 });
    expect(wide.up).toBeGreaterThan(linkRatesBps(ch).up);
  });

  it('draws Rayleigh fading with E|h|² = 1 from a seeded sampler, reproducibly', () => {
    const sample = createChannelSampler(42);
    const draws = Array.from({ length: 40_000 }, sample);
    const mean = draws.reduce((s, d) => s + d.fadingUp, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.98);
    expect(mean).toBeLessThan(1.02);
    expect(createChannelSampler(42)()).toEqual(draws[0]);
    expect(draws.every((d) => d.distanceM >= 20 && d.distanceM <= 300)).toBe(true);
  });

  it('normalizes as ω_t·t/T0 + ω_e·e/E0 + ω_$·usd/D0, and the local path ignores the channel', () => {
    const local = localCost({ promptTokens: 100, outputTokens: 50 });
    expect(local.latencyS).toBeCloseTo(100 * 0.001 + 50 * 0.02, 12);
    expect(local.energyJ).toBeCloseTo(2 * local.latencyS, 12);
    expect(local.normalized).toBeCloseTo((0.4 * local.latencyS) / 5 + (0.3 * local.energyJ) / 5, 12);
    const paid = edgeCost({ promptTokens: 100, outputTokens: 50 }, profile, ch, DEFAULT_WIRELESS, 0.005);
    const free = edgeCost({ promptTokens: 100, outputTokens: 50 }, profile, ch, DEFAULT_WIRELESS, 0);
    expect(paid.normalized - free.normalized).toBeCloseTo(0.3, 12);
  });

  it('edge latency and device energy grow with the prompt (uplink) and with a deep fade', () => {
    const short = edgeCost({ promptTokens: 10, outputTokens: 50 }, profile, ch);
    const long = edgeCost({ promptTokens: 2000, outputTokens: 50 }, profile, ch);
    expect(long.latencyS).toBeGreaterThan(short.latencyS);
    expect(long.energyJ).toBeGreaterThan(short.energyJ);
    const faded = edgeCost({ promptTokens: 2000, outputTokens: 50 }, profile, { ...ch, fadingUp: 1e-6 });
    expect(faded.latencyS).toBeGreaterThan(long.latencyS);
  });
});
