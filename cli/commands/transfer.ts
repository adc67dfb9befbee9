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
import { lookupThreshold, parseThresholdsFile, toJsonThreshold, type JsonThreshold } from '../../core/calibration/threshold-table.js';
import { readOnnxMetadata } from '../../node/onnx-write.js';
import { GATE_PATH, THRESHOLDS_PATH } from '../../node/paths.js';
import { createNodeGate } from '../gate-node.js';
import { loadRoutingExperiment, parseBrowserRepresentation } from '../routing-experiment.js';

export const TRANSFER_HELP = `riskgate transfer --data FILE|DIR [--config FILE] [--gate FILE] [--thresholds FILE] [--group-depth N] [--out FILE]
  Applies a gate and its calibrated thresholds (default: the shipped ones) to every prompt of
  --data and reports, per operating point and per group (the records' source, cut to N path
  segments; default all), the false-acceptance rate with a 95% Wilson interval and the exact
  binomial test of "it exceeds α". --config names the roles and costs on that data (the local and
  edge models must be the ones the gate was trained for). Writes JSON (default
  transfer/transfer.json) and prints the operating points where some group breaks the guarantee.`;

export type TransferRow = { cost_weight: number; risk_level: number; threshold: JsonThreshold; accept_rate: number; false_accept_rate: number; groups: GroupRisk[]; violated_groups: string[] };

export async function transfer(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, config: { type: 'string' }, gate: { type: 'string' }, thresholds: { type: 'string' }, 'group-depth': { type: 'string' }, out: { type: 'string' } } });
  if (!values.data) throw new RouterError('invalid_request', `--data is required\n${TRANSFER_HELP}`);
  const gateBytes = readFileSync(values.gate ?? GATE_PATH);
  const thresholds = parseThresholdsFile(JSON.parse(readFileSync(values.thresholds ?? THRESHOLDS_PATH, 'utf8')));
  const representation = parseBrowserRepresentation(readOnnxMetadata(gateBytes)['riskgate.representation.kind']);
  const depth = values['group-depth'] ? Number(values['group-depth']) : Infinity;
  const experiment = await loadRoutingExperiment({ dataPath: values.data, ...(values.config ? { configPath: values.config } : {}), representation, log: console.log });
  const score = await createNodeGate(gateBytes);
  const all = experiment.records.map((_, i) => i);
  const group = (i: number) => experiment.records[i]!.source.split('/').slice(0, depth).join('/');
  const rows: TransferRow[] = [];
  for (const { cost_weight: costWeight, risk_level: riskLevel } of thresholds.rows) {
    const { threshold } = lookupThreshold(thresholds, { costWeight, riskLevel });
    const scores = await score(all.map((i) => experiment.representations[i]!), costWeight);
    const labelled = all.map((i) => ({ group: group(i), accepted: scores[i]! >= threshold, edgeBetter: experiment.margin(i, costWeight) < 0 }));
    const groups = auditGroups(labelled, riskLevel);
    const accepted = labelled.filter((r) => r.accepted);
    rows.push({
      cost_weight: costWeight, risk_level: riskLevel, threshold: toJsonThreshold(threshold), accept_rate: accepted.length / labelled.length,
      false_accept_rate: accepted.filter((r) => r.edgeBetter).length / labelled.length, groups,
      violated_groups: groups.filter((g) => g.pExceeds < 0.01).map((g) => g.group),
    });
  }
  const broken = rows.filter((r) => r.violated_groups.length > 0);
  console.log(`transfer: ${experiment.records.length} prompts of ${values.data}, ${new Set(all.map(group)).size} groups, local ${experiment.config.roles.local}, edge ${experiment.config.roles.edge.join(', ')}`);
  console.log(`some group's false acceptance exceeds α (exact binomial, p < 0.01) at ${broken.length} of ${rows.length} operating points`);
  for (const r of broken) {
    const worst = [...r.groups].sort((a, b) => (b.falseAcceptRate - r.risk_level) - (a.falseAcceptRate - r.risk_level))[0]!;
    console.log(`  λ ${r.cost_weight}, α ${r.risk_level}, τ ${r.threshold}: ${r.violated_groups.length} group(s); worst ${worst.group} ${(worst.falseAcceptRate * 100).toFixed(1)}% [${worst.wilson95.map((x) => (x * 100).toFixed(1)).join('–')}] (base rate ${(worst.baseRate * 100).toFixed(1)}%, accepts ${(worst.acceptRate * 100).toFixed(0)}%)`);
  }
  const out = resolve(values.out ?? 'transfer/transfer.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ command: `npm run riskgate -- transfer ${argv.join(' ')}`, data: values.data, roles: experiment.config.roles, n_prompts: experiment.records.length, rows }, null, 1)}\n`);
  console.log(`wrote ${out}`);
}
