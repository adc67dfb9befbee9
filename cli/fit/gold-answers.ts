/**
 * @module cli/fit/gold-answers
 * Gold answers for the shared routing data (issue 22, point 2), inferred from the recorded answers
 * of models marked correct, so the deployed model's own answers can be graded:
 * - GSM8K: the final number of a correct recorded response (Mixtral's end in `#### N`); both
 *   recorded models wrong: no gold.
 * - RouterBench arc-challenge and winogrande: the option letter of every model marked correct;
 *   they must agree, else no gold.
 * - RouteLLM MMLU: the files hold correctness only, no response, so the gold letter is unknown; the
 *   multiple-choice grader can still tell that an answer naming no option is wrong.
 * - mbpp (code) has no grader here (it would need the tests run): skipped, counted.
 * Each prompt keeps GPT-4-1106's recorded answer as the edge's, graded by the same grader.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { seededPermutation } from '../../core/data/split.js';
import { chosenOption, finalNumber } from '../../core/grading/graders.js';
import { importRouterBench } from '../data/routerbench.js';
import type { FitPrompt } from './fit-prompts.js';

export const EDGE_MODEL = 'gpt-4-1106-preview';
const MIXTRAL = 'mistralai/Mixtral-8x7B-Instruct-v0.1';

export type GoldReport = Record<string, { rows: number; gold: number; noGold: number; disagreements: number }>;

type Row = Record<string, string>;
const readCsv = (path: string) => parse(readFileSync(path), { columns: true, skip_empty_lines: true }) as Row[];
const user = (content: string) => [{ role: 'user' as const, content }];

export function gsm8kPrompts(dataDir: string, report: GoldReport): FitPrompt[] {
  const rows = readCsv(resolve(dataDir, 'routellm/gsm8k/gsm8k_responses.csv'));
  const tally = (report.gsm8k = { rows: rows.length, gold: 0, noGold: 0, disagreements: 0 });
  return rows.flatMap((row, i) => {
    const numbers = [MIXTRAL, EDGE_MODEL]
      .filter((m) => row[m] === 'True')
      .map((m) => finalNumber(row[`${m}_response`] ?? ''))
      .filter((n): n is number => n !== undefined);
    if (numbers.length === 0) return (tally.noGold++, []);
    if (numbers.some((n) => n !== numbers[0])) return (tally.disagreements++, []);
    tally.gold++;
    return [
      {
        id: `gsm8k/${i}`,
        task: 'gsm8k',
        messages: user(row.prompt ?? ''),
        gold: String(numbers[0]),
        grader: 'final-number' as const,
        edge: { model: EDGE_MODEL, response: row[`${EDGE_MODEL}_response`] ?? '' },
      },
    ];
  });
}

export function routerBenchPrompts(dataDir: string, file: string, task: string, report: GoldReport): FitPrompt[] {
  const records = importRouterBench(resolve(dataDir, 'routerbench', file));
  const tally = (report[task] = { rows: records.length, gold: 0, noGold: 0, disagreements: 0 });
  return records.flatMap((record) => {
    const letters = Object.values(record.outcomes)
      .filter((o) => o.quality === 1)
      .map((o) => chosenOption(o.response ?? ''))
      .filter((l): l is string => l !== undefined);
    if (letters.length === 0) return (tally.noGold++, []);
    if (letters.some((l) => l !== letters[0])) return (tally.disagreements++, []);
    const edge = record.outcomes[EDGE_MODEL];
    if (!edge) return (tally.noGold++, []);
    tally.gold++;
    return [
      {
        id: record.id,
        task,
        messages: user(record.prompt),
        gold: letters[0]!,
        grader: 'multiple-choice' as const,
        edge: {
          model: EDGE_MODEL,
          response: edge.response ?? '',
          ...(edge.cost_usd !== undefined ? { cost_usd: edge.cost_usd } : {}),
        },
      },
    ];
  });
}

export function mmluPrompts(dataDir: string, report: GoldReport): FitPrompt[] {
  const folder = resolve(dataDir, 'routellm/mmlu/responses');
  const prompts: FitPrompt[] = [];
  for (const file of readdirSync(folder)
    .filter((f) => f.endsWith('.csv'))
    .sort()) {
    const subject = basename(file, '.csv').replace(/^mmlu_/, '');
    readCsv(resolve(folder, file)).forEach((row, i) =>
      prompts.push({
        id: `mmlu/${subject}/${i}`,
        task: 'mmlu',
        messages: user(row.prompt ?? ''),
        grader: 'multiple-choice',
        edge: { model: EDGE_MODEL, quality: row[EDGE_MODEL] === 'True' ? 1 : 0 },
      }),
    );
  }
  report.mmlu = { rows: prompts.length, gold: 0, noGold: prompts.length, disagreements: 0 };
  return prompts;
}

/** Every task of the shared data with a grader, at most `perTask` prompts of each (seeded). */
export function sharedFitPrompts(
  dataDir: string,
  perTask: number,
  seed: number,
): { prompts: FitPrompt[]; report: GoldReport } {
  const report: GoldReport = {};
  const tasks = [
    gsm8kPrompts(dataDir, report),
    routerBenchPrompts(dataDir, 'arc_challenge_train.csv', 'arc-challenge', report),
    routerBenchPrompts(dataDir, 'winograde_train.csv', 'winogrande', report),
    mmluPrompts(dataDir, report),
  ];
  if (existsSync(resolve(dataDir, 'routerbench/mbpp_train.csv'))) {
    const rows = importRouterBench(resolve(dataDir, 'routerbench/mbpp_train.csv')).length;
    report.mbpp = { rows, gold: 0, noGold: rows, disagreements: 0 };
  }
  const sample = (prompts: FitPrompt[]) =>
    seededPermutation(prompts.length, seed)
      .slice(0, perTask)
      .map((i) => prompts[i]!);
  return { prompts: tasks.flatMap(sample), report };
}
