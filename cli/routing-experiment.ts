/**
 * @module cli/routing-experiment
 * What `train` and `calibrate` share: the dataset, its representations, the seeded split and the
 * full-information margin Δ(x; λ) for the configured roles and path costs.
 */
import { resolve } from 'node:path';
import { ROUTELLM_ROLES, type Roles, type RoutingRecord } from '../core/data/routing-dataset.js';
import { splitIndices, type SplitName } from '../core/data/split.js';
import { DEFAULT_PATH_COSTS, utilityMargin } from '../core/routing/cost-model.js';
import { importRouteLlm } from './data/routellm.js';
import { computeRepresentations, datasetSha256 } from './representations.js';
import { SHARED_DIR } from './paths.js';

export const DEFAULT_SEED = 1;
export const COST_WEIGHT_GRID = Object.freeze([0, 0.5, 1, 1.5]);
export const RISK_LEVEL_GRID = Object.freeze([0.05, 0.1, 0.15, 0.2, 0.3]);

export type RoutingExperiment = {
  readonly records: readonly RoutingRecord[];
  readonly representations: readonly Float32Array[];
  readonly dim: number;
  readonly split: Record<SplitName, number[]>;
  readonly dataSha256: string;
  readonly seed: number;
  margin(row: number, costWeight: number): number;
};

export async function loadRoutingExperiment(options: { dataDir?: string; seed?: number; roles?: Roles; log?: (s: string) => void }): Promise<RoutingExperiment> {
  const dataDir = options.dataDir ?? resolve(SHARED_DIR, 'data');
  const seed = options.seed ?? DEFAULT_SEED;
  const roles = options.roles ?? ROUTELLM_ROLES;
  const records = importRouteLlm(dataDir);
  const { dim, vectors } = await computeRepresentations(records, options.log);
  const quality = records.map((r) => ({
    local: r.outcomes[roles.local]?.quality ?? 0,
    edge: Math.max(...roles.edge.map((m) => r.outcomes[m]?.quality ?? 0)),
  }));
  return {
    records, representations: vectors, dim, seed,
    split: splitIndices(records.length, seed),
    dataSha256: datasetSha256(records),
    margin: (row, costWeight) => utilityMargin(quality[row]!.local, quality[row]!.edge, costWeight, DEFAULT_PATH_COSTS),
  };
}
