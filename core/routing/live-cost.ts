/**
 * @module routing/live-cost
 * The deployment cost c̄ (CR² §1.3) from figures measured on this device and link, at decision
 * time (issue 15, point 3), in place of the wireless simulation the gate was trained under:
 *   local: t = n_in / prefill_rate + n_out / decode_rate      (the local engine's own measured speeds)
 *          e = P_comp · t                                     (the device profile's compute power)
 *   edge:  t = t_first + n_out / edge_decode_rate             (the edge's measured time to first
 *          e = P_idle · t_first + P_rx · n_out / edge_decode_rate   token and stream rate, EWMA)
 *          usd = the edge model's price for this prompt
 * Before the first edge answer, t_first is modelled: the network round trip (navigator.connection's
 * rtt where the browser gives one, else the cost model's access latency) plus the edge model's
 * queueing and prefill from its profile. Normalisation and weights are the cost model's (T0, E0,
 * D0, ω), so c̄ stays on the scale the gate was trained on.
 */
import {
  normalizedCost,
  type EdgeProfile,
  type PathCost,
  type WirelessConstants,
  type Workload,
} from './wireless-cost.js';

export type LiveCostInputs = {
  readonly localPrefillTokensPerS: number;
  readonly localDecodeTokensPerS: number;
  /** Seconds from sending a prompt to the edge's first token, measured end to end; null before any edge answer. */
  readonly edgeFirstTokenS: number | null;
  /** The edge stream's tokens per second after its first token; null before any edge answer. */
  readonly edgeDecodeTokensPerS: number | null;
  readonly networkRttS: number;
};

/** Where each input came from, for the decision event. */
export type LiveCostSources = {
  readonly localPrefill: 'measured' | 'cost model';
  readonly localDecode: 'measured' | 'cost model';
  readonly edge: 'measured' | 'modelled';
  readonly network: 'navigator.connection' | 'cost model';
};

export function liveLocalCost(w: Workload, inputs: LiveCostInputs, c: WirelessConstants): PathCost {
  const t = w.promptTokens / inputs.localPrefillTokensPerS + w.outputTokens / inputs.localDecodeTokensPerS;
  return normalizedCost(t, c.deviceComputePowerW * t, 0, c);
}

export function liveEdgeCost(
  w: Workload,
  profile: EdgeProfile,
  inputs: LiveCostInputs,
  c: WirelessConstants,
  usd: number,
): PathCost {
  const firstTokenS =
    inputs.edgeFirstTokenS ?? inputs.networkRttS + profile.ttftOverheadS + w.promptTokens / profile.prefillTokensPerS;
  const streamS = w.outputTokens / (inputs.edgeDecodeTokensPerS ?? profile.decodeTokensPerS);
  return normalizedCost(firstTokenS + streamS, c.deviceIdlePowerW * firstTokenS + c.deviceRxPowerW * streamS, usd, c);
}

/** What the cost model assumed, before the device has measured anything. */
export function costModelInputs(c: WirelessConstants): LiveCostInputs {
  return {
    localPrefillTokensPerS: 1 / c.localPrefillSPerToken,
    localDecodeTokensPerS: 1 / c.localDecodeSPerToken,
    edgeFirstTokenS: null,
    edgeDecodeTokensPerS: null,
    networkRttS: c.accessLatencyS,
  };
}
