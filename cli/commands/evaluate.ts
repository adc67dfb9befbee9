/**
 * @module cli/commands/evaluate
 * `riskgate evaluate --data FILE|DIR --out DIR`: the routing-science report (issue 6). For every
 * suite in the data and every representation, fits the predictors on the seeded training split,
 * sweeps every policy, estimates realised risk over re-splits, and writes metrics.json,
 * report.md and SVG plots.
 */
import { usableRecords } from '../../core/data/usable-records.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { splitIndices } from '../../core/data/split.js';
import type { RepresentationKind } from '../../core/gate/gate-graph.js';
import { buildRoutingTable } from '../../core/routing/routing-table.js';
import { evaluateRepresentation } from '../evaluation/evaluate-representation.js';
import { writeSuiteReport, writeIndexReport } from '../evaluation/report.js';
import { loadSuites } from '../evaluation/suites.js';
import { loadRepresentation, REPRESENTATION_KINDS } from '../representations/representations.js';
import { loadRoutingConfig } from '../routing-config-file.js';
import { SHARED_DIR } from '../../node/paths.js';
import { DEFAULT_SEED } from '../routing-experiment.js';
import { evaluateMultiTurn } from '../evaluation/multi-turn.js';

export const EVALUATE_HELP = `riskgate evaluate [--data FILE|DIR] [--out DIR] [--seed N] [--config FILE] [--representations a,b]
  Writes DIR/report.md, DIR/metrics.json and SVG plots: deployable accuracy–cost frontiers of the
  CR² gate and every baseline, cost reduction at matched accuracy, APGR/CPT, realised false
  acceptance vs α over 500 re-splits (globally and per cluster), gap to the oracle, the ablations,
  for each representation (${REPRESENTATION_KINDS.join(', ')}). --data defaults to ../shared/data
  (RouteLLM MMLU+GSM8K and RouterBench suites, plus MT-Bench's two turns for the switching cost).`;

export async function evaluate(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, config: { type: 'string' }, representations: { type: 'string' } } });
  const dataPath = resolve(values.data ?? resolve(SHARED_DIR, 'data'));
  const outDir = resolve(values.out ?? 'evaluation');
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  const kinds = (values.representations?.split(',') ?? REPRESENTATION_KINDS) as RepresentationKind[];
  const command = `npm run riskgate -- evaluate ${argv.join(' ')}`.trim();
  const suites = loadSuites(dataPath);
  const results: Record<string, unknown> = {};
  for (const suite of suites) {
    const config = loadRoutingConfig(values.config, suite.roles);
    const records = usableRecords(suite.records, config.roles);
    const table = buildRoutingTable(records, config, seed);
    const split = splitIndices(records.length, seed);
    console.log(`evaluate: ${suite.name}: ${records.length} prompts, ${table.models.length} models, split ${split.train.length}/${split.calibration.length}/${split.test.length}`);
    const representations: Record<string, ReturnType<typeof evaluateRepresentation>> = {};
    for (const kind of kinds) {
      const rep = await loadRepresentation(kind, records, console.log);
      representations[kind] = evaluateRepresentation(table, rep, split, seed, console.log);
    }
    const metrics = {
      suite: suite.name, description: suite.description, command, seed, n_prompts: records.length,
      ...(suite.removed ? { removed_while_loading: suite.removed } : {}),
      split: { train: split.train.length, calibration: split.calibration.length, test: split.test.length },
      roles: config.roles, cost_model: { wireless: config.wireless, default_output_tokens: config.defaultOutputTokens, chars_per_token: config.charsPerToken },
      representations,
    };
    results[suite.name] = metrics;
    const dir = suites.length > 1 ? resolve(outDir, suite.name) : outDir;
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, 'metrics.json'), `${JSON.stringify(metrics, null, 1)}\n`);
    writeSuiteReport(dir, metrics);
  }
  const multiTurn = suites.length > 1 ? await evaluateMultiTurn(dataPath, outDir, seed, values.config, console.log) : undefined;
  if (suites.length > 1) {
    // The index copy leaves out the raw points (they stay in each suite's own metrics.json).
    const withoutPoints = (m: Record<string, unknown>): Record<string, unknown> => ({ ...m, representations: Object.fromEntries(Object.entries(m.representations as Record<string, Record<string, unknown>>).map(([k, r]) => [k, { ...r, points: undefined }])) });
    const [primary, ...rest] = suites.map((s) => withoutPoints(results[s.name] as Record<string, unknown>));
    writeFileSync(resolve(outDir, 'metrics.json'), `${JSON.stringify({ ...primary, other_suites: Object.fromEntries(rest.map((r) => [r.suite, r])), multi_turn: multiTurn ? { ...multiTurn, points: undefined } : undefined }, null, 1)}\n`);
    writeIndexReport(outDir, command, results, multiTurn);
  }
  console.log(`evaluate: wrote ${outDir}`);
}
