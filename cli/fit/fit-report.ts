/**
 * @module cli/fit/fit-report
 * What `riskgate fit` found, in figures a site owner can check: per task, how often the deployed
 * model and the edge answered correctly and how many prompts the widget defers for their length;
 * the gate's AUC on held-out prompts (does its score rank "this device's answer is as good" above
 * "it falls short"?); and which operating points could be certified.
 */
import type { ThresholdsFile } from '../../core/calibration/threshold-table.js';
import { rocAuc } from '../../core/evaluation/auc.js';
import type { AnsweredPrompt } from './answer-prompts.js';

export type TaskFigures = {
  readonly prompts: number;
  readonly contextDeferred: number;
  readonly graded: number;
  readonly localAccuracy: number | null;
  readonly edgeAccuracy: number | null;
};

export type FitReport = {
  readonly model: string;
  readonly edgeModels: readonly string[];
  readonly maxTokens: number;
  readonly tasks: Readonly<Record<string, TaskFigures>>;
  readonly gated: number;
  /** Held-out (test split) AUC of the gate's score for "no shortfall", per cost weight. */
  readonly auc: readonly { readonly costWeight: number; readonly auc: number | null }[];
  readonly certified: { readonly points: number; readonly of: number };
  readonly guarantee: string;
  readonly delta: number | null;
  readonly rows: ThresholdsFile['rows'];
};

export function taskFigures(answered: readonly AnsweredPrompt[]): Record<string, TaskFigures> {
  const tasks: Record<string, TaskFigures> = {};
  for (const task of [...new Set(answered.map((a) => a.task))].sort()) {
    const own = answered.filter((a) => a.task === task);
    const graded = own.filter((a) => a.local && a.local.grade !== 'unknown' && a.edge && a.edge.grade !== 'unknown');
    const share = (f: (a: AnsweredPrompt) => boolean) =>
      graded.length === 0 ? null : round(graded.filter(f).length / graded.length);
    tasks[task] = {
      prompts: own.length,
      contextDeferred: own.filter((a) => a.contextDeferred).length,
      graded: graded.length,
      localAccuracy: share((a) => a.local!.grade === 'correct'),
      edgeAccuracy: share((a) => a.edge!.grade === 'correct'),
    };
  }
  return tasks;
}

export function heldOutAuc(scores: readonly number[], noShortfall: readonly boolean[]): number | null {
  const auc = rocAuc(scores, noShortfall);
  return Number.isNaN(auc) ? null : round(auc);
}

export function renderFitReport(report: FitReport, command: string): string {
  const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
  const lines = [
    `# riskgate fit: ${report.model}`,
    '',
    `Reproduce: \`${command}\``,
    '',
    `The labels are ${report.model}'s own answers (greedy, at most ${report.maxTokens} tokens, the widget's template and`,
    `history window), graded against gold answers, and the edge's answers (${report.edgeModels.join(', ')}) graded the same way.`,
    '',
    '| task | prompts | deferred for length | graded | device correct | edge correct |',
    '|---|---|---|---|---|---|',
    ...Object.entries(report.tasks).map(
      ([task, t]) =>
        `| ${task} | ${t.prompts} | ${t.contextDeferred} | ${t.graded} | ${pct(t.localAccuracy)} | ${pct(t.edgeAccuracy)} |`,
    ),
    '',
    `Gate: trained and calibrated on the ${report.gated} prompts the gate decides (the rest are deferred by the widget`,
    'before any gate runs, and are no labels). Held-out AUC of its score for "the device\'s answer does not fall short":',
    report.auc
      .map(({ costWeight, auc }) => `λ = ${costWeight}: ${auc === null ? '— (one class only)' : auc.toFixed(3)}`)
      .join(', ') + '.',
    '',
    `Guarantee: ${report.guarantee}${report.delta !== null ? ` at δ = ${report.delta}` : ''}. Certified: ${report.certified.points} of ${report.certified.of} operating points.`,
    report.certified.points === 0
      ? `Nothing could be certified: ${report.model} is too rarely as good as the edge for any α offered, so the honest gate sends every message to the edge.`
      : '',
    '',
    '| λ | α | τ | calibration: share answered here | of those, fell short | upper bound (1 − δ) | test: answered here | of those, fell short |',
    '|---|---|---|---|---|---|---|---|',
    ...report.rows.map(
      (r) =>
        `| ${r.cost_weight} | ${r.risk_level} | ${r.threshold} | ${pct(r.accept_rate)} | ${pct(r.empirical_risk)} | ` +
        `${r.risk_upper_bound === undefined ? '—' : pct(r.risk_upper_bound)} | ${pct(r.test_accept_rate ?? null)} | ${pct(r.test_risk ?? null)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
