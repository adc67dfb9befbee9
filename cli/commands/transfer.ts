/**
 * @module cli/commands/transfer
 * `riskgate transfer`: does a shipped gate's guarantee hold on data it was not calibrated on?
 * Scores every prompt of `--data` with the gate, applies each operating point's calibrated
 * threshold, and reports per group (the records' source, e.g. the task) the false-acceptance
 * rate with a Wilson interval and the exact binomial test against α (issue 15, point 1: the
 * shipped-artifacts half; retraining on A and testing on B is not built yet).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RouterError } from '../../core/errors.js';
import { auditGroups, type GroupRisk } from '../../core/calibration/risk-audit.js';
import {
  lookupThreshold,
  parseThresholdsFile,
  toJsonThreshold,
  type JsonThreshold,
} from '../../core/calibration/threshold-table.js';
import { DEFAULT_STEP_SIZE } from '../../core/calibration/online-threshold.js';
import { replayOnline, type ReplayGroup, type ReplayResult } from '../../core/decision/online-replay.js';
import { adaptiveSettingsOf } from '../../core/decision/adaptive-thresholds.js';
import { seededPermutation } from '../../core/data/split.js';
import { readOnnxMetadata } from '../../node/onnx-write.js';
import { GATE_PATH, THRESHOLDS_PATH } from '../../node/paths.js';
import { createNodeGate } from '../gate-node.js';
import { loadRoutingExperiment, parseBrowserRepresentation } from '../routing-experiment.js';

export const TRANSFER_HELP = `riskgate transfer --data FILE|DIR [--config FILE] [--gate FILE] [--thresholds FILE] [--suite NAME] [--group-depth N] [--online [--shadow-rate ρ]] [--step-size γ] [--seed N] [--out FILE]
  Applies a gate and its calibrated thresholds (default: the shipped ones) to every prompt of
  --data and reports, per operating point and per group (the records' source, cut to N path
  segments; default all), the false-acceptance rate with a 95% Wilson interval and the exact
  binomial test of "it exceeds α". --config names the roles and costs on that data (the local and
  edge models must be the ones the gate was trained for). Writes JSON (default
  transfer/transfer.json) and prints the operating points where some group breaks the guarantee.
  --suite picks a suite of a folder like ../shared/data (routellm, routerbench; default the first).
  --online also replays --data as a shifted stream (group after group, each shuffled with --seed)
  through the widget's adaptive threshold (ACI, step γ, default ${DEFAULT_STEP_SIZE}; every prompt a label) next
  to the static τ, and reports each group's long-run false acceptance under both. --shadow-rate ρ:
  the loop sees a label only for the accepted prompts a seeded draw sends to the judge (probability ρ,
  weight 1/ρ, as the widget's shadow-rate does), and reports the judge calls it needed.`;

export type TransferRow = {
  cost_weight: number;
  risk_level: number;
  threshold: JsonThreshold;
  accept_rate: number;
  false_accept_rate: number;
  groups: GroupRisk[];
  violated_groups: string[];
  online?: ReplayResult;
};

/** Group after group, in the data's order (the shift), each group shuffled with the seed. */
function shiftedStream(rows: readonly number[], group: (i: number) => string, seed: number): number[] {
  const byGroup = new Map<string, number[]>();
  for (const i of rows) byGroup.set(group(i), [...(byGroup.get(group(i)) ?? []), i]);
  return [...byGroup.values()].flatMap((members) => seededPermutation(members.length, seed).map((k) => members[k]!));
}

const worstExcess = (groups: readonly ReplayGroup[], riskLevel: number, pick: (g: ReplayGroup) => number) =>
  Math.max(...groups.map((g) => pick(g) - riskLevel));

function printReplay(rows: readonly TransferRow[], stepSize: number, prompts: number): void {
  const within = (pick: (g: ReplayGroup) => number) =>
    rows.filter((r) => worstExcess(r.online!.groups, r.risk_level, pick) <= 0.02).length;
  const labels = rows.map((r) => r.online!.labels);
  // Without a shadow rate every answer given here is labelled; with one, only the judged ones.
  const labelled = `${Math.min(...labels)}–${Math.max(...labels)} labelled answers of ${prompts} prompts`;
  console.log(
    `online replay (γ ${stepSize}, ${labelled} per operating point): every group within α + 0.02 at ${within((g) => g.adaptiveRisk)} of ${rows.length} operating points adaptive, ${within((g) => g.staticRisk)} static`,
  );
  const staticWorst = Math.max(...rows.map((r) => worstExcess(r.online!.groups, r.risk_level, (g) => g.staticRisk)));
  const adaptiveWorst = Math.max(
    ...rows.map((r) => worstExcess(r.online!.groups, r.risk_level, (g) => g.adaptiveRisk)),
  );
  console.log(
    `  worst group excess over α: static ${(staticWorst * 100).toFixed(1)} points, adaptive ${(adaptiveWorst * 100).toFixed(1)} points`,
  );
}

export async function transfer(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      config: { type: 'string' },
      gate: { type: 'string' },
      thresholds: { type: 'string' },
      'group-depth': { type: 'string' },
      out: { type: 'string' },
      online: { type: 'boolean' },
      'shadow-rate': { type: 'string' },
      suite: { type: 'string' },
      'step-size': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const stepSize = values['step-size'] ? Number(values['step-size']) : DEFAULT_STEP_SIZE;
  if (!(stepSize > 0))
    throw new RouterError('invalid_request', `--step-size must be a number > 0, not ${values['step-size']}`);
  const shadowRate = values['shadow-rate'] === undefined ? undefined : Number(values['shadow-rate']);
  if (shadowRate !== undefined && !(shadowRate > 0 && shadowRate <= 1 && values.online))
    throw new RouterError(
      'invalid_request',
      `--shadow-rate must be in (0, 1] and goes with --online, not ${values['shadow-rate']}`,
    );
  if (!values.data) throw new RouterError('invalid_request', `--data is required\n${TRANSFER_HELP}`);
  const gateBytes = readFileSync(values.gate ?? GATE_PATH);
  const thresholds = parseThresholdsFile(JSON.parse(readFileSync(values.thresholds ?? THRESHOLDS_PATH, 'utf8')));
  const representation = parseBrowserRepresentation(readOnnxMetadata(gateBytes)['riskgate.representation.kind']);
  const depth = values['group-depth'] ? Number(values['group-depth']) : Infinity;
  const experiment = await loadRoutingExperiment({
    dataPath: values.data,
    ...(values.suite ? { suite: values.suite } : {}),
    ...(values.config ? { configPath: values.config } : {}),
    representation,
    log: console.log,
  });
  const score = await createNodeGate(gateBytes);
  const all = experiment.records.map((_, i) => i);
  const group = (i: number) => experiment.records[i]!.source.split('/').slice(0, depth).join('/');
  const rows: TransferRow[] = [];
  const settings = adaptiveSettingsOf(thresholds, stepSize);
  const seed = values.seed ? Number(values.seed) : 1;
  const streamOrder = shiftedStream(all, group, seed);
  for (const { cost_weight: costWeight, risk_level: riskLevel } of thresholds.rows) {
    const { threshold } = lookupThreshold(thresholds, { costWeight, riskLevel });
    const scores = await score(
      all.map((i) => experiment.representations[i]!),
      costWeight,
    );
    const labelled = all.map((i) => ({
      group: group(i),
      accepted: scores[i]! >= threshold,
      edgeBetter: experiment.margin(i, costWeight) < 0,
    }));
    const groups = auditGroups(labelled, riskLevel);
    const accepted = labelled.filter((r) => r.accepted);
    rows.push({
      cost_weight: costWeight,
      risk_level: riskLevel,
      threshold: toJsonThreshold(threshold),
      accept_rate: accepted.length / labelled.length,
      false_accept_rate: accepted.filter((r) => r.edgeBetter).length / labelled.length,
      groups,
      violated_groups: groups.filter((g) => g.pExceeds < 0.01).map((g) => g.group),
      ...(values.online
        ? {
            online: await replayOnline(
              streamOrder.map((i) => ({ group: group(i), score: scores[i]!, edgeBetter: labelled[i]!.edgeBetter })),
              {
                ...settings,
                point: { costWeight, riskLevel },
                calibrated: threshold,
                seed,
                ...(shadowRate ? { shadowRate } : {}),
              },
            ),
          }
        : {}),
    });
  }
  const broken = rows.filter((r) => r.violated_groups.length > 0);
  console.log(
    `transfer: ${experiment.records.length} prompts of ${values.data}, ${new Set(all.map(group)).size} groups, local ${experiment.config.roles.local}, edge ${experiment.config.roles.edge.join(', ')}`,
  );
  console.log(
    `some group's false acceptance exceeds α (exact binomial, p < 0.01) at ${broken.length} of ${rows.length} operating points`,
  );
  for (const r of broken) {
    const worst = [...r.groups].sort(
      (a, b) => b.falseAcceptRate - r.risk_level - (a.falseAcceptRate - r.risk_level),
    )[0]!;
    console.log(
      `  λ ${r.cost_weight}, α ${r.risk_level}, τ ${r.threshold}: ${r.violated_groups.length} group(s); worst ${worst.group} ${(worst.falseAcceptRate * 100).toFixed(1)}% [${worst.wilson95.map((x) => (x * 100).toFixed(1)).join('–')}] (base rate ${(worst.baseRate * 100).toFixed(1)}%, accepts ${(worst.acceptRate * 100).toFixed(0)}%)`,
    );
  }
  if (values.online) printReplay(rows, stepSize, streamOrder.length);
  const out = resolve(values.out ?? 'transfer/transfer.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ command: `npm run riskgate -- transfer ${argv.join(' ')}`, data: values.data, roles: experiment.config.roles, n_prompts: experiment.records.length, rows }, null, 1)}\n`,
  );
  console.log(`wrote ${out}`);
}
