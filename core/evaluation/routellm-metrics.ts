/**
 * @module evaluation/routellm-metrics
 * RouteLLM's call-share metrics (docs/methods.md §4.2). A router ranks prompts by how much they need
 * the strong (edge) model; sending the top share c of them to the edge gives
 *   PGR(c) = (r(R_c) − r(local)) / (r(edge) − r(local))
 *   APGR  ≈ (1/10) Σ_{i=1..10} PGR(i/10)            (RouteLLM's discretisation)
 *   CPT(x) = the least share c with PGR(c) ≥ x.
 */

export type PgrPoint = { readonly edgeShare: number; readonly pgr: number };

/** @param needsEdge higher = send to the edge first. Qualities are per row; ties keep row order. */
export function pgrCurve(
  needsEdge: readonly number[],
  localQuality: readonly number[],
  edgeQuality: readonly number[],
  steps = 100,
): PgrPoint[] {
  const n = needsEdge.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => needsEdge[b]! - needsEdge[a]! || a - b);
  const allLocal = localQuality.reduce((s, q) => s + q, 0);
  const allEdge = edgeQuality.reduce((s, q) => s + q, 0);
  const gain = allEdge - allLocal;
  const curve: PgrPoint[] = [];
  let total = allLocal;
  let sent = 0;
  for (let s = 0; s <= steps; s++) {
    const target = Math.round((n * s) / steps);
    for (; sent < target; sent++) total += edgeQuality[order[sent]!]! - localQuality[order[sent]!]!;
    curve.push({ edgeShare: target / n, pgr: gain === 0 ? 1 : (total - allLocal) / gain });
  }
  return curve;
}

const pgrAt = (curve: readonly PgrPoint[], share: number) =>
  curve.reduce((best, p) => (Math.abs(p.edgeShare - share) < Math.abs(best.edgeShare - share) ? p : best)).pgr;

export const apgr = (curve: readonly PgrPoint[]): number =>
  Array.from({ length: 10 }, (_, i) => pgrAt(curve, (i + 1) / 10)).reduce((a, b) => a + b, 0) / 10;

export const callPerformanceThreshold = (curve: readonly PgrPoint[], targetPgr: number): number =>
  curve.find((p) => p.pgr >= targetPgr)?.edgeShare ?? 1;
