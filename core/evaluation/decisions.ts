/**
 * @module evaluation/decisions
 * What a routing policy's decisions on a set of prompts amount to: accuracy (mean recorded
 * quality of the model that answered), mean normalized cost c̄, the share answered locally, and
 * the realised false-acceptance rate (accepted locally while the full-information reference
 * prefers the edge, Δ(λ) < 0; CR²'s controlled risk, docs/methods.md §1.4).
 */
import { utilityMargin, type RoutingTable } from '../routing/routing-table.js';

export type PolicyOutcome = {
  readonly accuracy: number;
  readonly cost: number;
  readonly acceptRate: number;
  readonly falseAcceptance: number;
};

/** @param choice model index per row (0 = answered locally). */
export function evaluateDecisions(
  table: RoutingTable,
  rows: readonly number[],
  choice: readonly number[],
  costWeight: number,
): PolicyOutcome {
  let quality = 0,
    cost = 0,
    accepted = 0,
    falseAccepted = 0;
  rows.forEach((row, i) => {
    const m = choice[i]!;
    const q = table.quality[m]![row]!;
    quality += Number.isNaN(q) ? 0 : q;
    cost += table.cost[m]![row]!;
    if (m === 0) {
      accepted++;
      if (utilityMargin(table, row, costWeight) < 0) falseAccepted++;
    }
  });
  const n = rows.length || 1;
  return { accuracy: quality / n, cost: cost / n, acceptRate: accepted / n, falseAcceptance: falseAccepted / n };
}
