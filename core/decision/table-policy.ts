/**
 * @module decision/table-policy
 * The base policy: τ(λ, α) from the calibrated table (CRC, METHODS §CR² eq. 4, or Learn-then-Test
 * under the selective guarantee), looked up at the grid point the request names.
 */
import { lookupThreshold, type ThresholdsFile } from '../calibration/threshold-table.js';
import type { ThresholdPolicy } from './threshold-policy.js';

const nothingToSettle = async (): Promise<void> => {};

export function tablePolicy(thresholds: ThresholdsFile): ThresholdPolicy {
  return {
    read(query) {
      const { threshold, row } = lookupThreshold(thresholds, query);
      return {
        threshold,
        calibrated: threshold,
        table: threshold,
        offset: 0,
        group: null,
        cost: null,
        settle: nothingToSettle,
        point: row ? { costWeight: row.cost_weight, riskLevel: row.risk_level } : undefined,
      };
    },
    label: async () => null,
    status: () => ({ riskControl: 'marginal', costModel: 'calibrated', online: null }),
  };
}
