/**
 * @module cli/commands/evaluate
 * `riskgate evaluate --data FILE|DIR --out DIR`: the routing-science report (issue 6). For every
 * suite in the data and every representation, fits the predictors on the seeded training split,
 * sweeps every policy, estimates realised risk over re-splits, and writes metrics.json,
 * report.md and SVG plots.
 */
import { usableRecords } from '../../core/data/usable-records.js';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { splitIndices } from '../../core/data/split.js';
import type { RepresentationKind } from '../../core/gate/gate-graph.js';
import { buildRoutingTable } from '../../core/routing/routing-table.js';
import { evaluateRepresentation, headlineOverSeeds, seedHeadline } from '../evaluation/evaluate-representation.js';
import { writeSuiteReport, writeIndexReport } from '../evaluation/report.js';
import { loadSuites } from '../evaluation/suites.js';
import { loadRepresentation, REPRESENTATION_KINDS } from '../representations/representations.js';
import { loadRoutingConfig } from '../routing-config-file.js';
import { SHARED_DIR } from '../../node/paths.js';
import { DEFAULT_SEED } from '../routing-experiment.js';
import { evaluateMultiTurn } from '../evaluation/multi-turn.js';
import { runTransferEvaluation } from '../evaluation/transfer-run.js';
import { RouterError } from '../../core/errors.js';

export const EVALUATE_HELP = `riskgate evaluate [--data FILE|DIR] [--out DIR] [--seed N] [--seeds a,b,…] [--config FILE] [--representations a,b]
  Writes DIR/report.md, DIR/metrics.json and SVG plots: deployable accuracy–cost frontiers of the
  CR² gate and every baseline, cost reduction at matched accuracy, APGR/CPT, realised false
  acceptance vs α over 500 re-splits (globally and per cluster), gap to the oracle, the ablations,
  for each representation (${REPRESENTATION_KINDS.join(', ')}). The headline (cost reduction vs the best
  baseline and vs a random mix, gap to oracle) is also computed for every seed of --seeds (default
  1,2,3,4,5; the first one is --seed's full report) and reported as mean and 95% interval. --data defaults to ../shared/data
  (RouteLLM MMLU+GSM8K and RouterBench suites, plus MT-Bench's two turns for the switching cost).

riskgate evaluate --train-data A --test-data B [--train-suite S] [--test-suite S] [--config FILE] [--test-config FILE]
                  [--seeds 1,2,3,4,5] [--representations kind] --out FILE.json
  Transfer: train and calibrate on A, test on all of B (its models renamed to A's by role). Per seed
  and per task of B: false acceptance under the static τ (Wilson, exact binomial vs α) and under the
  adaptive τ replaying B as a stream; the frontier on B and the cost reduction vs every baseline.
  Headlines over the seeds as mean and 95% interval. Default representation: hidden_state_last.`;

export async function evaluate(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      config: { type: 'string' },
      representations: { type: 'string' },
      'train-data': { type: 'string' },
      'test-data': { type: 'string' },
      'train-suite': { type: 'string' },
      'test-suite': { type: 'string' },
      'test-config': { type: 'string' },
      seeds: { type: 'string' },
    },
  });
  if (values['train-data'] || values['test-data']) {
    if (!values['train-data'] || !values['test-data'] || !values.out)
      throw new RouterError(
        'invalid_request',
        'a transfer evaluation needs --train-data, --test-data and --out FILE.json',
      );
    if (existsSync(values.out) && statSync(values.out).isDirectory()) {
      throw new RouterError(
        'invalid_request',
        `--out ${values.out} is a folder; a transfer evaluation writes one file: give --out FILE.json`,
      );
    }
    const seeds = (values.seeds ?? '1,2,3,4,5').split(',').map(Number);
    if (seeds.length < 2 || seeds.some((s) => !Number.isInteger(s)))
      throw new RouterError(
        'invalid_request',
        `--seeds must list at least two whole numbers (a headline needs an interval), not ${values.seeds}`,
      );
    const pick = <T>(v: T | undefined) => (v === undefined ? {} : v);
    await runTransferEvaluation(
      {
        train: {
          data: values['train-data'],
          ...pick(values['train-suite'] && { suite: values['train-suite'] }),
          ...pick(values.config && { config: values.config }),
        },
        test: {
          data: values['test-data'],
          ...pick(values['test-suite'] && { suite: values['test-suite'] }),
          ...pick((values['test-config'] ?? values.config) && { config: (values['test-config'] ?? values.config)! }),
        },
        seeds,
        representation: (values.representations ?? 'hidden_state_last') as RepresentationKind,
        out: values.out,
        command: `npm run riskgate -- evaluate ${argv.join(' ')}`,
      },
      console.log,
    );
    return;
  }
  const dataPath = resolve(values.data ?? resolve(SHARED_DIR, 'data'));
  const outDir = resolve(values.out ?? 'evaluation');
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  const headlineSeeds = [
    seed,
    ...(values.seeds ?? '1,2,3,4,5')
      .split(',')
      .map(Number)
      .filter((s) => s !== seed),
  ];
  const kinds = (values.representations?.split(',') ?? REPRESENTATION_KINDS) as RepresentationKind[];
  const command = `npm run riskgate -- evaluate ${argv.join(' ')}`.trim();
  const suites = loadSuites(dataPath);
  const results: Record<string, unknown> = {};
  for (const suite of suites) {
    const config = loadRoutingConfig(values.config, suite.roles);
    const records = usableRecords(suite.records, config.roles);
    const table = buildRoutingTable(records, config, seed);
    const split = splitIndices(records.length, seed);
    console.log(
      `evaluate: ${suite.name}: ${records.length} prompts, ${table.models.length} models, split ${split.train.length}/${split.calibration.length}/${split.test.length}`,
    );
    const representations: Record<
      string,
      ReturnType<typeof evaluateRepresentation> & { headline_over_seeds: ReturnType<typeof headlineOverSeeds> }
    > = {};
    const otherSeeds = headlineSeeds
      .filter((s) => s !== seed)
      .map((s) => ({ seed: s, table: buildRoutingTable(records, config, s), split: splitIndices(records.length, s) }));
    for (const kind of kinds) {
      const rep = await loadRepresentation(kind, records, console.log);
      const full = evaluateRepresentation(table, rep, split, seed, console.log);
      const first = {
        seed,
        best_baseline: full.best_baseline,
        vs_best: full.cost_reduction_vs[full.best_baseline]!,
        vs_random_mix: full.cost_reduction_vs.random_mix!,
        gap_to_oracle: full.gap_to_oracle,
      };
      const headline = headlineOverSeeds([
        first,
        ...otherSeeds.map((o) => seedHeadline(o.table, rep.vectors, o.split, o.seed)),
      ]);
      console.log(
        `  ${kind} over seeds ${headline.seeds.join(', ')}: vs best baseline ${(headline.cost_reduction_vs_best_baseline.max.mean * 100).toFixed(1)}% [${headline.cost_reduction_vs_best_baseline.max.ci95.map((x) => (x * 100).toFixed(1)).join(', ')}] max`,
      );
      representations[kind] = { ...full, headline_over_seeds: headline };
    }
    const metrics = {
      suite: suite.name,
      description: suite.description,
      command,
      seed,
      n_prompts: records.length,
      ...(suite.removed ? { removed_while_loading: suite.removed } : {}),
      split: { train: split.train.length, calibration: split.calibration.length, test: split.test.length },
      roles: config.roles,
      cost_model: {
        wireless: config.wireless,
        default_output_tokens: config.defaultOutputTokens,
        chars_per_token: config.charsPerToken,
      },
      representations,
    };
    results[suite.name] = metrics;
    const dir = suites.length > 1 ? resolve(outDir, suite.name) : outDir;
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, 'metrics.json'), `${JSON.stringify(metrics, null, 1)}\n`);
    writeSuiteReport(dir, metrics);
  }
  const multiTurn =
    suites.length > 1 ? await evaluateMultiTurn(dataPath, outDir, seed, values.config, console.log) : undefined;
  if (suites.length > 1) {
    // The index copy leaves out the raw points (they stay in each suite's own metrics.json).
    const withoutPoints = (m: Record<string, unknown>): Record<string, unknown> => ({
      ...m,
      representations: Object.fromEntries(
        Object.entries(m.representations as Record<string, Record<string, unknown>>).map(([k, r]) => [
          k,
          { ...r, points: undefined },
        ]),
      ),
    });
    const [primary, ...rest] = suites.map((s) => withoutPoints(results[s.name] as Record<string, unknown>));
    writeFileSync(
      resolve(outDir, 'metrics.json'),
      `${JSON.stringify({ ...primary, other_suites: Object.fromEntries(rest.map((r) => [r.suite, r])), multi_turn: multiTurn ? { ...multiTurn, points: undefined } : undefined }, null, 1)}\n`,
    );
    writeIndexReport(outDir, command, results, multiTurn);
  }
  console.log(`evaluate: wrote ${outDir}`);
}
