/**
 * @module cli/evaluation/transfer-run
 * The transfer evaluation's data handling: dataset A (train + calibrate) and dataset B (test),
 * each with its own roles; B's records are renamed to A's model names by role (local → local,
 * i-th edge → i-th edge), since two datasets rarely spell the same model the same way.
 * Representations are loaded per dataset (each cached) and concatenated, A's rows first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RouterError } from '../../core/errors.js';
import type { RepresentationKind } from '../../core/gate/gate-graph.js';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';
import { splitIndices } from '../../core/data/split.js';
import { buildRoutingTable } from '../../core/routing/routing-table.js';
import { loadRepresentation } from '../representations/representations.js';
import { loadRoutingRecords } from '../routing-experiment.js';
import { evaluateTransferSeed, summarizeSeeds } from './transfer-evaluation.js';

export type TransferOptions = {
  readonly train: { readonly data: string; readonly suite?: string; readonly config?: string };
  readonly test: { readonly data: string; readonly suite?: string; readonly config?: string };
  readonly seeds: readonly number[];
  readonly representation: RepresentationKind;
  readonly out: string;
  readonly command: string;
};

const opt = <K extends string, V>(key: K, value: V | undefined) =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

export async function runTransferEvaluation(options: TransferOptions, log: (line: string) => void): Promise<void> {
  const a = loadRoutingRecords({
    dataPath: options.train.data,
    ...opt('suite', options.train.suite),
    ...opt('configPath', options.train.config),
  });
  const b = loadRoutingRecords({
    dataPath: options.test.data,
    ...opt('suite', options.test.suite),
    ...opt('configPath', options.test.config ?? options.train.config),
  });
  if (b.config.roles.edge.length !== a.config.roles.edge.length) {
    throw new RouterError(
      'invalid_request',
      `the test data's roles name ${b.config.roles.edge.length} edge models, the training data's ${a.config.roles.edge.length}: give --test-config the same roles, in the same order`,
    );
  }
  const rename = new Map([
    [b.config.roles.local, a.config.roles.local],
    ...b.config.roles.edge.map((m, i) => [m, a.config.roles.edge[i]!] as [string, string]),
  ]);
  const testRecords: RoutingRecord[] = b.records.map((r) => ({
    ...r,
    id: `test:${r.id}`,
    outcomes: Object.fromEntries(
      Object.entries(r.outcomes)
        .filter(([m]) => rename.has(m))
        .map(([m, o]) => [rename.get(m)!, o]),
    ),
  }));
  const records = [...a.records, ...testRecords];
  const vectors = [
    ...(await loadRepresentation(options.representation, a.records, log)).vectors,
    ...(await loadRepresentation(options.representation, b.records, log)).vectors,
  ];
  const testRows = testRecords.map((_, i) => a.records.length + i);
  const groupOf = (row: number) => records[row]!.source.split('/')[0]!;
  log(
    `evaluate: transfer ${a.records.length} prompts (${a.config.roles.local} | ${a.config.roles.edge.join(', ')}) → ${testRecords.length} prompts (${b.config.roles.local} | ${b.config.roles.edge.join(', ')}), ${options.representation}, seeds ${options.seeds.join(', ')}`,
  );
  const perSeed: (Awaited<ReturnType<typeof evaluateTransferSeed>> & { seed: number })[] = [];
  for (const seed of options.seeds) {
    const started = Date.now();
    const table = buildRoutingTable(records, a.config, seed);
    const split = splitIndices(a.records.length, seed);
    const result = await evaluateTransferSeed(
      table,
      vectors,
      { train: split.train, calibration: split.calibration, test: testRows },
      groupOf,
      seed,
    );
    log(
      `  seed ${seed}: ${((Date.now() - started) / 1000).toFixed(0)} s; vs ${result.best_baseline} ${(result.cost_reduction_vs[result.best_baseline]!.max * 100).toFixed(1)}%; worst task excess static ${(result.worst_excess_static * 100).toFixed(1)}, adaptive ${(result.worst_excess_adaptive * 100).toFixed(1)} points`,
    );
    perSeed.push({ seed, ...result });
  }
  const summary = summarizeSeeds(perSeed);
  const pct = (x: { mean: number; ci95: readonly [number, number] }) =>
    `${(x.mean * 100).toFixed(1)} [${x.ci95.map((v) => (v * 100).toFixed(1)).join(', ')}]`;
  log(
    `transfer over ${perSeed.length} seeds (mean [95% CI]): cost reduction vs best baseline ${pct(summary.cost_reduction_vs_best_baseline.max)}% max, vs random mix ${pct(summary.cost_reduction_vs.random_mix!.max)}% max`,
  );
  log(
    `  worst task false-acceptance excess over α: static ${pct(summary.worst_excess_static)} points, adaptive ${pct(summary.worst_excess_adaptive)} points`,
  );
  log(
    `  operating points with every task within α + 0.02: static ${summary.points_within_002_static.mean.toFixed(1)}, adaptive ${summary.points_within_002_adaptive.mean.toFixed(1)} of ${perSeed[0]!.operating_points.length}`,
  );
  mkdirSync(dirname(resolve(options.out)), { recursive: true });
  writeFileSync(
    resolve(options.out),
    `${JSON.stringify(
      {
        command: options.command,
        train: { ...options.train, n_prompts: a.records.length, roles: a.config.roles },
        test: { ...options.test, n_prompts: testRecords.length, roles: b.config.roles },
        representation: options.representation,
        summary,
        seeds: perSeed,
      },
      null,
      1,
    )}\n`,
  );
  log(`evaluate: wrote ${options.out}`);
}
