/**
 * @module cli/data/load-routing-data
 * `--data` accepts a routing-dataset JSONL file or a raw file in a known format, detected by its
 * columns: a RouterBench CSV, a RouteLLM response CSV (MMLU subject or GSM8K), a `{question, scores}`
 * JSON or JSONL (the RouterDC layout), an MT-Bench folder (question.jsonl + judgements.jsonl), an
 * arena-style folder (question.jsonl + model_judgment/), or a folder laid out like ../shared/data
 * (RouteLLM MMLU + GSM8K). Anything else is an `invalid_request` that names what was found.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { RouterError } from '../../core/errors.js';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';
import { dedupeByPrompt } from '../../core/data/dedupe.js';
import { importRouterBench, isRouterBenchHeader } from './routerbench.js';
import { importRouteLlm, importRouteLlmCsv, isRouteLlmHeader } from './routellm.js';
import { importMtBenchFolder } from './mt-bench.js';
import { importScoresJson, readScoresRows } from './scores-json.js';
import { importArenaFolder, isArenaFolder } from './arena-folder.js';

export type DetectedFormat =
  | 'jsonl'
  | 'routerbench-csv'
  | 'routellm-csv'
  | 'routellm-folder'
  | 'mt-bench-folder'
  | 'arena-folder'
  | 'scores-json';

export function detectFormat(path: string): DetectedFormat {
  if (!existsSync(path)) throw new RouterError('invalid_request', `${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    if (existsSync(resolve(path, 'judgements.jsonl')) && existsSync(resolve(path, 'question.jsonl')))
      return 'mt-bench-folder';
    if (isArenaFolder(path)) return 'arena-folder';
    if (existsSync(resolve(path, 'routellm/mmlu/responses')) && existsSync(resolve(path, 'routellm/gsm8k')))
      return 'routellm-folder';
    throw new RouterError(
      'invalid_request',
      `${basename(path)}/: not a known folder layout (RouteLLM mmlu/ + gsm8k/, MT-Bench question.jsonl + judgements.jsonl, or arena question.jsonl + model_judgment/)`,
    );
  }
  if ((path.endsWith('.json') || path.endsWith('.jsonl')) && readScoresRows(path)) return 'scores-json';
  if (path.endsWith('.jsonl')) return 'jsonl';
  if (path.endsWith('.json'))
    throw new RouterError(
      'invalid_request',
      `${basename(path)}: a JSON file must be an array of {"question": "...", "scores": {"model": 0..1}}`,
    );
  let header: string[];
  try {
    header = (parse(readFileSync(path, 'utf8').slice(0, 65_536), { to_line: 1 }) as string[][])[0] ?? [];
  } catch (error) {
    throw new RouterError(
      'invalid_request',
      `${basename(path)}: neither JSON nor a readable CSV (${(error as Error).message.split('\n')[0]})`,
    );
  }
  if (isRouterBenchHeader(header)) return 'routerbench-csv';
  if (isRouteLlmHeader(header)) return 'routellm-csv';
  throw new RouterError(
    'invalid_request',
    `${basename(path)}: not a routing JSONL, RouterBench CSV or RouteLLM CSV (columns: ${header.slice(0, 6).join(', ')})`,
  );
}

export function parseRoutingJsonl(text: string): RoutingRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      const r = JSON.parse(line) as Partial<RoutingRecord> & { messages?: { role: string; content: string }[] };
      const prompt = r.prompt ?? r.messages?.filter((m) => m.role === 'user').at(-1)?.content;
      if (
        typeof r.id !== 'string' ||
        typeof prompt !== 'string' ||
        typeof r.outcomes !== 'object' ||
        r.outcomes === null
      ) {
        throw new RouterError('invalid_request', `line ${i + 1}: a record needs id, prompt (or messages) and outcomes`);
      }
      return { id: r.id, source: r.source ?? 'jsonl', prompt, outcomes: r.outcomes };
    });
}

/** `duplicates`: extra copies of a prompt removed; `conflicting`: prompts dropped because their copies disagree. */
export type LoadedData = {
  readonly format: DetectedFormat;
  readonly records: RoutingRecord[];
  readonly droppedScores: number;
  readonly duplicates: number;
  readonly conflicting: number;
};

/** The records of `path`, one per distinct prompt (duplicates removed and counted). */
export function loadRoutingData(path: string): LoadedData {
  const { format, records, droppedScores = 0 } = readRoutingData(path);
  const unique = dedupeByPrompt(records);
  return {
    format,
    records: unique.records,
    droppedScores,
    duplicates: unique.duplicates,
    conflicting: unique.conflicting,
  };
}

function readRoutingData(path: string): { format: DetectedFormat; records: RoutingRecord[]; droppedScores?: number } {
  const format = detectFormat(path);
  switch (format) {
    case 'scores-json':
      return { format, ...importScoresJson(path) };
    case 'arena-folder':
      return { format, ...importArenaFolder(path) };
    case 'jsonl':
      return { format, records: parseRoutingJsonl(readFileSync(path, 'utf8')) };
    case 'routerbench-csv':
      return { format, records: importRouterBench(path) };
    case 'routellm-csv':
      return { format, records: importRouteLlmCsv(path) };
    case 'routellm-folder':
      return { format, records: importRouteLlm(path) };
    // One record per turn (turn 2 reads the second user message, as the local model does).
    case 'mt-bench-folder':
      return { format, records: importMtBenchFolder(path).flatMap((d) => [...d.turns]) };
  }
}
