/**
 * @module cli/routing-experiment
 * What `train` and `calibrate` share: the dataset (first suite of `--data`), the routing table
 * under the configured cost model, the representation the browser gate reads (the local model's
 * prefill hidden state, or the count-sketch of its logits for a model without `hidden_states`), the seeded split and the full-information margin Δ(x, ξ; λ).
 */
import { usableRecords } from '../core/data/usable-records.js';
import { resolve } from 'node:path';
import { RouterError } from '../core/errors.js';
import type { RoutingRecord } from '../core/data/routing-dataset.js';
import { splitIndices, type SplitName } from '../core/data/split.js';
import type { RepresentationInfo } from '../core/gate/gate-graph.js';
import type { RoutingConfig } from '../core/routing/routing-config.js';
import { buildRoutingTable, fallsShort, utilityMargin, type RoutingTable } from '../core/routing/routing-table.js';
import { loadSuites } from './evaluation/suites.js';
import { datasetSha256, loadRepresentation, type RepresentationSet } from './representations/representations.js';
import { readRepresentationsFile } from './representations/representation-file.js';
import { loadRoutingConfig } from './routing-config-file.js';
import { SHARED_DIR } from '../node/paths.js';

export const DEFAULT_SEED = 1;
/** The shipped operating points: the widget's λ and α pickers offer exactly these. */
export const COST_WEIGHT_GRID = Object.freeze([0, 0.5, 1, 2, 4, 8]);
export const RISK_LEVEL_GRID = Object.freeze([0.05, 0.1, 0.15, 0.2, 0.3]);

export type RoutingExperiment = {
  readonly records: readonly RoutingRecord[];
  readonly config: RoutingConfig;
  readonly table: RoutingTable;
  readonly representation: RepresentationInfo;
  readonly representations: readonly Float32Array[];
  readonly split: Record<SplitName, number[]>;
  readonly dataSha256: string;
  readonly seed: number;
  margin(row: number, costWeight: number): number;
  /** The device's answer is graded worse than the edge's (the selective promise's event). */
  fallsShort(row: number, costWeight: number): boolean;
};

/** What an in-page engine can give the gate (decision 013): the hidden state, or the logits' sketch. */
export type BrowserRepresentation = 'hidden_state_last' | 'logit_sketch';

export function parseBrowserRepresentation(value: string | undefined): BrowserRepresentation {
  if (value === undefined || value === 'hidden_state_last' || value === 'logit_sketch')
    return value ?? 'hidden_state_last';
  throw new RouterError(
    'invalid_request',
    `--representation must be hidden_state_last or logit_sketch (what the in-page engine reads), not ${value}`,
  );
}

/** The first suite of `--data` with the roles of `--config`: the prompts every command reads. */
export function loadRoutingRecords(options: { dataPath?: string; configPath?: string; suite?: string }): {
  records: readonly RoutingRecord[];
  config: RoutingConfig;
} {
  const suites = loadSuites(resolve(options.dataPath ?? resolve(SHARED_DIR, 'data')));
  const suite = options.suite === undefined ? suites[0]! : suites.find((s) => s.name === options.suite);
  if (!suite)
    throw new RouterError(
      'invalid_request',
      `--suite ${options.suite}: this data has ${suites.map((s) => s.name).join(', ')}`,
    );
  const config = loadRoutingConfig(options.configPath, suite.roles);
  return { records: usableRecords(suite.records, config.roles), config };
}

export async function loadRoutingExperiment(options: {
  dataPath?: string;
  seed?: number;
  configPath?: string;
  suite?: string;
  representation?: BrowserRepresentation;
  /** A `riskgate represent` file: the representations of another model, read in the browser. */
  representationsPath?: string;
  log?: (s: string) => void;
}): Promise<RoutingExperiment> {
  const seed = options.seed ?? DEFAULT_SEED;
  const { records, config } = loadRoutingRecords(options);
  const table = buildRoutingTable(records, config, seed);
  const rep = options.representationsPath
    ? representationsFromFile(options.representationsPath, records)
    : await loadRepresentation(options.representation ?? 'hidden_state_last', records, options.log);
  return {
    records,
    config,
    table,
    seed,
    representation: rep.info,
    representations: rep.vectors,
    split: splitIndices(records.length, seed),
    dataSha256: datasetSha256(records),
    margin: (row, costWeight) => utilityMargin(table, row, costWeight),
    fallsShort: (row, costWeight) => fallsShort(table, row, costWeight),
  };
}

function representationsFromFile(path: string, records: readonly RoutingRecord[]): RepresentationSet {
  const file = readRepresentationsFile(path);
  const vectors = records.map((r) => file.byPrompt(r.prompt));
  const missing = vectors.filter((v) => v === undefined).length;
  if (missing > 0)
    throw new RouterError(
      'invalid_request',
      `${missing} of the ${records.length} prompts of --data are not in ${path}: run \`riskgate represent\` with this --data (cached prompts are not computed again)`,
    );
  return { info: file.header.representation, vectors: vectors as Float32Array[] };
}
