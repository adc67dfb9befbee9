import { describe, expect, it } from 'vitest';
import { costModelInputs, liveEdgeCost, liveLocalCost } from './live-cost.js';
import { DEFAULT_WIRELESS, localCost } from './wireless-cost.js';

describe('live cost model', () => {
  const workload = { promptTokens: 120, outputTokens: 80 };

  it('with nothing measured, the local path costs what the cost model says (the same c̄ scale as training)', () => {
    expect(liveLocalCost(workload, costModelInputs(DEFAULT_WIRELESS), DEFAULT_WIRELESS)).toEqual(
      localCost(workload, DEFAULT_WIRELESS),
    );
  });

  it('uses the measured speeds: 1,000 tok/s prefill and 40 tok/s decode take 0.12 s + 2 s at 2 W', () => {
    const inputs = { ...costModelInputs(DEFAULT_WIRELESS), localPrefillTokensPerS: 1000, localDecodeTokensPerS: 40 };
    const cost = liveLocalCost(workload, inputs, DEFAULT_WIRELESS);
    expect(cost.latencyS).toBeCloseTo(2.12, 12);
    expect(cost.energyJ).toBeCloseTo(4.24, 12);
    expect(cost.normalized).toBeCloseTo(0.4 * (2.12 / 5) + 0.3 * (4.24 / 5), 12);
  });

  it('the edge: measured first token and stream rate when there are some, else the round trip plus the model profile', () => {
    const profile = { ttftOverheadS: 0.5, prefillTokensPerS: 4000, decodeTokensPerS: 50 };
    const modelled = liveEdgeCost(
      workload,
      profile,
      { ...costModelInputs(DEFAULT_WIRELESS), networkRttS: 0.2 },
      DEFAULT_WIRELESS,
      0.002,
    );
    expect(modelled.latencyS).toBeCloseTo(0.2 + 0.5 + 120 / 4000 + 80 / 50, 12);
    expect(modelled.energyJ).toBeCloseTo(0.05 * (0.2 + 0.5 + 0.03) + 0.1 * 1.6, 12);
    expect(modelled.usd).toBe(0.002);
    const measured = liveEdgeCost(
      workload,
      profile,
      { ...costModelInputs(DEFAULT_WIRELESS), edgeFirstTokenS: 3, edgeDecodeTokensPerS: 20 },
      DEFAULT_WIRELESS,
      0.002,
    );
    expect(measured.latencyS).toBeCloseTo(3 + 4, 12);
    // A slower link makes the edge dearer: c̄ grows with the round trip.
    const slowLink = liveEdgeCost(
      workload,
      profile,
      { ...costModelInputs(DEFAULT_WIRELESS), networkRttS: 2 },
      DEFAULT_WIRELESS,
      0.002,
    );
    expect(slowLink.normalized).toBeGreaterThan(modelled.normalized);
  });
});
