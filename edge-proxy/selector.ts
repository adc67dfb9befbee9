/**
 * @module selector
 * The edge utility selector (CR² §1.4 step 6): for a deferred prompt, order the edge models by
 * Û_m = q̂_m − λ·c̄_m and serve from the best, falling down the list on failure. q̂_m is
 * selector.onnx's prediction from the request's representation when there is one, else the
 * model's configured prior; c̄_m = price per 1k tokens (USD) +
 * live expected latency / `latency_normalizer_s`, where latency = EWMA(TTFT) + n_out / EWMA(tok/s)
 * from what each upstream was actually observed to do.
 */
import type { ChatMessage } from '../core/protocol/chat.js';
import type { Upstream } from './upstream/upstream.js';

export type Candidate = {
  readonly upstream: Upstream;
  readonly priorQuality: number;
  /** The selector.onnx output that predicts this model (defaults to its id). */
  readonly qualityModel?: string;
  readonly usdPer1kTokens: number;
  /** The longest answer it writes (`max_output_tokens`); absent: no declared limit. */
  readonly maxOutputTokens?: number;
  ttftMs: number;
  tokensPerSecond: number;
};

export type Selection = { readonly ladder: readonly Candidate[]; readonly utilities: ReadonlyMap<string, number> };

export type SelectorOptions = { readonly ewmaWeight: number; readonly latencyNormalizerS: number };

export function createEdgeSelector(candidates: readonly Candidate[], options: SelectorOptions) {
  const byId = new Map(candidates.map((c) => [c.upstream.id, c]));

  function normalizedCost(c: Candidate, outputTokens: number): number {
    const latencyS = c.ttftMs / 1000 + outputTokens / c.tokensPerSecond;
    return c.usdPer1kTokens + latencyS / options.latencyNormalizerS;
  }

  return {
    candidates,
    /**
     * @param costWeight λ (0 = quality only).
     * @param pinned a model id the request pinned: only that model, no failover.
     * @param predicted Q̂_m by selector.onnx output name, when the request carried a representation.
     */
    select(
      costWeight: number,
      outputTokens: number,
      messages: readonly ChatMessage[],
      pinned?: string,
      predicted?: ReadonlyMap<string, number>,
    ): Selection {
      const quality = (c: Candidate) => predicted?.get(c.qualityModel ?? c.upstream.id) ?? c.priorQuality;
      const utilities = new Map(
        candidates.map((c) => [c.upstream.id, quality(c) - costWeight * normalizedCost(c, outputTokens)]),
      );
      if (pinned) return { ladder: byId.has(pinned) ? [byId.get(pinned)!] : [], utilities };
      // Upstreams that cannot know this prompt (a replay without its recording) are not candidates.
      const knows = (c: Candidate) => (c.upstream.knows ? c.upstream.knows(messages) : true);
      const ladder = candidates
        .filter(knows)
        .sort((a, b) => utilities.get(b.upstream.id)! - utilities.get(a.upstream.id)!);
      return { ladder, utilities };
    },
    /** A failed attempt: counts as a first token after `penaltyMs`, so the upstream's expected latency (and cost) rises. */
    observeFailure(id: string, penaltyMs: number): void {
      const c = byId.get(id);
      if (c) c.ttftMs = (1 - options.ewmaWeight) * c.ttftMs + options.ewmaWeight * Math.max(penaltyMs, 2 * c.ttftMs);
    },
    /** Feeds one observed answer into that upstream's latency EWMAs. */
    observe(id: string, ttftMs: number, tokensPerSecond: number | undefined): void {
      const c = byId.get(id);
      if (!c) return;
      const w = options.ewmaWeight;
      c.ttftMs = (1 - w) * c.ttftMs + w * ttftMs;
      if (tokensPerSecond && Number.isFinite(tokensPerSecond))
        c.tokensPerSecond = (1 - w) * c.tokensPerSecond + w * tokensPerSecond;
    },
  };
}

export type EdgeSelector = ReturnType<typeof createEdgeSelector>;
