/**
 * @module decision/refinements/adaptive
 * Adaptive thresholds (decision 022): in auto mode, at a calibrated grid point, τ follows adaptive
 * conformal inference (Gibbs & Candès 2021 eq. 2) from the table's τ, kept per point and cluster
 * (adaptive-thresholds.ts). Under live costs the state stays against the table's τ and the live τ
 * moves by the same offset, so the two refinements compose.
 */
import type { AdaptiveThresholds } from '../adaptive-thresholds.js';
import type { ThresholdRefinement } from '../threshold-policy.js';

export const adaptive =
  (online: AdaptiveThresholds): ThresholdRefinement =>
  (inner) => ({
    read(query) {
      const reading = inner.read(query);
      if (!reading.point || query.mode !== 'auto' || !Number.isFinite(reading.offset)) return reading;
      const at = { ...reading.point, group: reading.group };
      return {
        ...reading,
        threshold: reading.offset + online.thresholdFor(at, reading.table),
        async settle(decisionId, score) {
          await reading.settle(decisionId, score);
          await online.recordDecision(decisionId, at, reading.table, score - reading.offset);
        },
      };
    },
    label: (decisionId, label) =>
      label.kind === 'fell-short'
        ? online.recordFellShort(decisionId)
        : online.recordShadowVerdict(decisionId, label.edgeBetter, label.rate),
    status: () => ({ ...inner.status(), online: online.status() }),
  });
