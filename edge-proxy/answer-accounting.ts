/**
 * @module answer-accounting
 * What one answer cost, told to the metrics, the selector (its measured speed) and the caller's
 * budget. The budget was reserved for the worst case before answering (S5: checked before and
 * charged after let 20 concurrent requests overrun it); here the reservation is settled exactly once.
 */
import type { Served } from './failover.js';
import { utcDay, type BudgetStore } from './limits.js';
import type { Metrics } from './metrics.js';
import type { EdgeSelector } from './selector.js';
import type { UpstreamRequest } from './upstream/upstream.js';
import { estimatePromptTokens } from './upstream/with-stop.js';

export type Reservation = { readonly usd: number; readonly day: string };

export type AnswerAccount = {
  /** A piece reached the client from an upstream at this price. */
  streamed(usdPer1kTokens: number): void;
  /** The answer finished: record it everywhere and charge its real cost. */
  served(served: Served): Promise<void>;
  /** Nothing reached the client: the reservation goes back. */
  refund(): Promise<void>;
  /** A stream cut short (aborted, failed, drained) is charged for its prompt and the pieces it sent. */
  cut(): Promise<void>;
};

type AccountDeps = { readonly metrics: Metrics; readonly selector: EdgeSelector; readonly budget: BudgetStore };

export function openAnswerAccount(
  deps: AccountDeps,
  caller: string,
  request: UpstreamRequest,
  reserved?: Reservation,
): AnswerAccount {
  let settled = false;
  const settle = async (usd: number) => {
    if (settled) return;
    settled = true;
    await deps.budget.add(caller, reserved?.day ?? utcDay(), usd - (reserved?.usd ?? 0));
  };
  let pieces = 0;
  let rate = 0;
  return {
    streamed(usdPer1kTokens) {
      pieces++;
      rate = usdPer1kTokens;
    },
    async served({ candidate, result, ttftMs, durationMs }) {
      const { metrics } = deps;
      const upstream = candidate.upstream.id;
      metrics.upstreamTtft.observe({ upstream }, ttftMs / 1000);
      metrics.upstreamDuration.observe({ upstream }, durationMs / 1000);
      metrics.tokens.inc({ upstream, kind: 'prompt' }, result.promptTokens);
      metrics.tokens.inc({ upstream, kind: 'completion' }, result.completionTokens);
      const usd = ((result.promptTokens + result.completionTokens) / 1000) * candidate.usdPer1kTokens;
      metrics.cost.inc({ upstream }, usd);
      await settle(usd);
      const decodeS = (durationMs - ttftMs) / 1000;
      const tokensPerS =
        result.completionTokens > 1 && decodeS > 0 ? (result.completionTokens - 1) / decodeS : undefined;
      deps.selector.observe(upstream, ttftMs, tokensPerS);
    },
    refund: () => settle(0),
    cut: () => settle(((estimatePromptTokens(request) + pieces) / 1000) * rate),
  };
}
