/**
 * @module routing/wireless-cost
 * CR²'s per-query deployment cost over a wireless link (docs/methods.md §1.3, the [INF] standard form):
 *   r_up = W_up·log2(1 + P_tx·g·|h_up|² / (N0·W_up)),  g = PL0·d^(−κ)   (Shannon rate, path loss,
 *   r_dl = W_dl·log2(1 + P_bs·g·|h_dl|² / (N0·W_dl))    Rayleigh fading |h|² ~ Exp(1))
 *   local: t = n_in·t_prefill + n_out·t_decode,  e = P_comp·t
 *   edge:  t = b·n_in/r_up + n_in/prefill_rate + n_out/decode_rate + b·n_out/r_dl (+ ttft overhead)
 *          e = P_tx·(b·n_in/r_up) + P_rx·(b·n_out/r_dl) + P_idle·(edge compute time)
 *   c̄ = ω_t·t/T0 + ω_e·e/E0 + ω_$·usd/D0   (the USD term is ours: RouterBench's real per-query
 *                                            price; CR² itself weighs latency and energy only).
 * Every constant is named with its unit and can be overridden (README "Routing cost model").
 */
import { createRandom } from '../sampling.js';

export type WirelessConstants = {
  readonly uplinkBandwidthHz: number; // W_up
  readonly downlinkBandwidthHz: number; // W_dl
  readonly deviceTxPowerW: number; // P_tx (23 dBm ≈ 0.2 W)
  readonly stationTxPowerW: number; // P_bs
  readonly noisePsdWPerHz: number; // N0 (−174 dBm/Hz)
  readonly pathLossAt1m: number; // PL0 (−30 dB)
  readonly pathLossExponent: number; // κ
  readonly minDistanceM: number; // d ~ U[min, max] per query
  readonly maxDistanceM: number;
  readonly bitsPerToken: number; // b
  readonly deviceComputePowerW: number; // P_comp
  readonly deviceRxPowerW: number; // P_rx
  readonly deviceIdlePowerW: number; // P_idle while the edge computes
  readonly localPrefillSPerToken: number;
  readonly localDecodeSPerToken: number;
  readonly accessLatencyS: number; // radio access + core network round trip per edge call
  readonly latencyNormalizerS: number; // T0
  readonly energyNormalizerJ: number; // E0
  readonly usdNormalizer: number; // D0, USD per query
  readonly latencyWeight: number; // ω_t
  readonly energyWeight: number; // ω_e
  readonly usdWeight: number; // ω_$
};

/**
 * Defaults: a 2026 phone or laptop on a 5G small cell running a ~1B-parameter local model.
 * Radio: 10/20 MHz up/down, 23 dBm UE, 30 dBm cell, −174 dBm/Hz noise, −30 dB at 1 m, κ = 3.5,
 * 20–300 m. Text is 32 bits per token on the air. Device: 2 W while computing (1,000 tok/s
 * prefill, 50 tok/s decode), 0.1 W receiving, 0.05 W idle. T0 = 5 s, E0 = 5 J, D0 = $0.005 (about
 * one GPT-4-class call); ω_t, ω_e, ω_$ = 0.4, 0.3, 0.3.
 */
export const DEFAULT_WIRELESS: WirelessConstants = Object.freeze({
  uplinkBandwidthHz: 10e6,
  downlinkBandwidthHz: 20e6,
  deviceTxPowerW: 0.2,
  stationTxPowerW: 1,
  noisePsdWPerHz: 10 ** (-174 / 10) / 1000,
  pathLossAt1m: 1e-3,
  pathLossExponent: 3.5,
  minDistanceM: 20,
  maxDistanceM: 300,
  bitsPerToken: 32,
  deviceComputePowerW: 2,
  deviceRxPowerW: 0.1,
  deviceIdlePowerW: 0.05,
  localPrefillSPerToken: 0.001,
  localDecodeSPerToken: 0.02,
  accessLatencyS: 0.05,
  latencyNormalizerS: 5,
  energyNormalizerJ: 5,
  usdNormalizer: 0.005,
  latencyWeight: 0.4,
  energyWeight: 0.3,
  usdWeight: 0.3,
});

/** ξ: one query's channel state. */
export type ChannelState = { readonly distanceM: number; readonly fadingUp: number; readonly fadingDown: number };

export type EdgeProfile = {
  readonly ttftOverheadS: number;
  readonly prefillTokensPerS: number;
  readonly decodeTokensPerS: number;
};
export type Workload = { readonly promptTokens: number; readonly outputTokens: number };
export type PathCost = {
  readonly latencyS: number;
  readonly energyJ: number;
  readonly usd: number;
  readonly normalized: number;
};

/** Draws ξ for each query from a seeded generator: uniform distance, Rayleigh fading both ways. */
export function createChannelSampler(seed: number, c: WirelessConstants = DEFAULT_WIRELESS): () => ChannelState {
  const random = createRandom(seed);
  const exp1 = () => -Math.log(1 - random()); // |h|² of Rayleigh fading ~ Exp(1)
  return () => ({
    distanceM: c.minDistanceM + random() * (c.maxDistanceM - c.minDistanceM),
    fadingUp: exp1(),
    fadingDown: exp1(),
  });
}

export function linkRatesBps(ch: ChannelState, c: WirelessConstants = DEFAULT_WIRELESS): { up: number; down: number } {
  const gain = c.pathLossAt1m * ch.distanceM ** -c.pathLossExponent;
  const rate = (bandwidth: number, power: number, fading: number) =>
    bandwidth * Math.log2(1 + (power * gain * fading) / (c.noisePsdWPerHz * bandwidth));
  return {
    up: rate(c.uplinkBandwidthHz, c.deviceTxPowerW, ch.fadingUp),
    down: rate(c.downlinkBandwidthHz, c.stationTxPowerW, ch.fadingDown),
  };
}

/** c̄ = ω_t·t/T0 + ω_e·e/E0 + ω_$·usd/D0 (the module note). */
export const normalizedCost = (latencyS: number, energyJ: number, usd: number, c: WirelessConstants): PathCost => ({
  latencyS,
  energyJ,
  usd,
  normalized:
    c.latencyWeight * (latencyS / c.latencyNormalizerS) +
    c.energyWeight * (energyJ / c.energyNormalizerJ) +
    c.usdWeight * (usd / c.usdNormalizer),
});

export function localCost(w: Workload, c: WirelessConstants = DEFAULT_WIRELESS): PathCost {
  const t = w.promptTokens * c.localPrefillSPerToken + w.outputTokens * c.localDecodeSPerToken;
  return normalizedCost(t, c.deviceComputePowerW * t, 0, c);
}

export function edgeCost(
  w: Workload,
  profile: EdgeProfile,
  ch: ChannelState,
  c: WirelessConstants = DEFAULT_WIRELESS,
  usd = 0,
): PathCost {
  const rates = linkRatesBps(ch, c);
  const upS = (c.bitsPerToken * w.promptTokens) / rates.up;
  const downS = (c.bitsPerToken * w.outputTokens) / rates.down;
  const computeS =
    c.accessLatencyS +
    profile.ttftOverheadS +
    w.promptTokens / profile.prefillTokensPerS +
    w.outputTokens / profile.decodeTokensPerS;
  const energy = c.deviceTxPowerW * upS + c.deviceRxPowerW * downS + c.deviceIdlePowerW * computeS;
  return normalizedCost(upS + computeS + downS, energy, usd, c);
}
