/**
 * @module decision/refinements/live-costs
 * Live costs (decision 023): at a calibrated grid point, τ is recalibrated on the shipped
 * calibration set under the costs this device and link have shown. What measures them lives with
 * the worker (workers/route/live-costs.ts); this refinement only asks it for τ.
 */
import type { DecisionCost } from '../../protocol/worker-api.js';
import type { OperatingPoint, ThresholdRefinement } from '../threshold-policy.js';

export type LiveThreshold = {
  threshold(
    point: OperatingPoint,
    group: number | null,
    promptTokens: number,
    tableThreshold: number,
  ): { threshold: number; cost: DecisionCost };
};

export const liveCosts =
  (live: LiveThreshold): ThresholdRefinement =>
  (inner) => ({
    ...inner,
    read(query) {
      const reading = inner.read(query);
      if (!reading.point) return reading;
      const { threshold, cost } = live.threshold(reading.point, reading.group, query.promptTokens, reading.table);
      return { ...reading, threshold, calibrated: threshold, offset: threshold - reading.table, cost };
    },
    status: () => ({ ...inner.status(), costModel: 'live' }),
  });
