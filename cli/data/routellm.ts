/**
 * @module cli/data/routellm
 * Imports RouteLLM's MMLU and GSM8K correctness tables (../shared/data/routellm, Apache-2.0)
 * into routing records. Follows the data README's hygiene: drops `high_school_mathematics`
 * (GPT-4's 0.03 there is an answer-extraction failure), deduplicates MMLU by prompt and drops
 * prompts whose copies disagree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { dedupeByPrompt } from '../../core/data/dedupe.js';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';

const MODELS = ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'gpt-4-1106-preview'] as const;
const EXCLUDED_SUBJECTS = new Set(['high_school_mathematics']);

type Row = Record<string, string>;

function toRecord(row: Row, id: string, source: string): RoutingRecord {
  const outcomes: Record<string, { quality: number }> = {};
  for (const model of MODELS) {
    const value = row[model];
    if (value !== 'True' && value !== 'False')
      throw new Error(`${id}: ${model} is ${JSON.stringify(value)}, expected True/False`);
    outcomes[model] = { quality: value === 'True' ? 1 : 0 };
  }
  return { id, source, prompt: row.prompt ?? '', outcomes };
}

export const isRouteLlmHeader = (columns: readonly string[]) =>
  columns.includes('prompt') && MODELS.every((m) => columns.includes(m));

/** One RouteLLM response file (an MMLU subject or GSM8K), deduplicated by prompt. */
export function importRouteLlmCsv(path: string): RoutingRecord[] {
  const source = basename(path, '.csv')
    .replace(/^mmlu_/, 'mmlu/')
    .replace(/_responses$/, '');
  return dedupeByPrompt(readCsv(path).map((row, i) => toRecord(row, `${source}/${i}`, source))).records;
}

function readCsv(path: string): Row[] {
  return parse(readFileSync(path), { columns: true, skip_empty_lines: true }) as Row[];
}

export function importRouteLlm(dataDir: string): RoutingRecord[] {
  const records: RoutingRecord[] = [];
  const mmluDir = resolve(dataDir, 'routellm/mmlu/responses');
  for (const file of readdirSync(mmluDir)
    .filter((f) => f.endsWith('.csv'))
    .sort()) {
    const subject = basename(file, '.csv').replace(/^mmlu_/, '');
    if (EXCLUDED_SUBJECTS.has(subject)) continue;
    readCsv(resolve(mmluDir, file)).forEach((row, i) =>
      records.push(toRecord(row, `mmlu/${subject}/${i}`, `mmlu/${subject}`)),
    );
  }
  readCsv(resolve(dataDir, 'routellm/gsm8k/gsm8k_responses.csv')).forEach((row, i) =>
    records.push(toRecord(row, `gsm8k/${i}`, 'gsm8k')),
  );
  return dedupeByPrompt(records).records;
}
