/**
 * @module cli/data/load-routing-data
 * `--data` accepts a routing-dataset JSONL file or a raw file in a known format, detected by its
 * columns: a RouterBench CSV, a RouteLLM response CSV (MMLU subject or GSM8K), an MT-Bench folder
 * (question.jsonl + judgements.jsonl), or a folder laid out like ../shared/data (RouteLLM MMLU + GSM8K).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { RouterError } from '../../core/errors.js';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';
import { importRouterBench, isRouterBenchHeader } from './routerbench.js';
import { importRouteLlm, importRouteLlmCsv, isRouteLlmHeader } from './routellm.js';
import { importMtBenchFolder } from './mt-bench.js';

export type DetectedFormat = 'jsonl' | 'routerbench-csv' | 'routellm-csv' | 'routellm-folder' | 'mt-bench-folder';

export function detectFormat(path: string): DetectedFormat {
  if (statSync(path).isDirectory()) return existsSync(resolve(path, 'judgements.jsonl')) && existsSync(resolve(path, 'question.jsonl')) ? 'mt-bench-folder' : 'routellm-folder';
  if (path.endsWith('.jsonl')) return 'jsonl';
  const header = (parse(readFileSync(path, 'utf8').slice(0, 65_536), { to_line: 1 }) as string[][])[0] ?? [];
  if (isRouterBenchHeader(header)) return 'routerbench-csv';
  if (isRouteLlmHeader(header)) return 'routellm-csv';
  throw new RouterError('invalid_request', `${basename(path)}: not a routing JSONL, RouterBench CSV or RouteLLM CSV (columns: ${header.slice(0, 6).join(', ')})`);
}

export function parseRoutingJsonl(text: string): RoutingRecord[] {
  return text.split('\n').filter((l) => l.trim()).map((line, i) => {
    const r = JSON.parse(line) as Partial<RoutingRecord> & { messages?: { role: string; content: string }[] };
    const prompt = r.prompt ?? r.messages?.filter((m) => m.role === 'user').at(-1)?.content;
    if (typeof r.id !== 'string' || typeof prompt !== 'string' || typeof r.outcomes !== 'object' || r.outcomes === null) {
      throw new RouterError('invalid_request', `line ${i + 1}: a record needs id, prompt (or messages) and outcomes`);
    }
    return { id: r.id, source: r.source ?? 'jsonl', prompt, outcomes: r.outcomes };
  });
}

export function loadRoutingData(path: string): { format: DetectedFormat; records: RoutingRecord[] } {
  const format = detectFormat(path);
  switch (format) {
    case 'jsonl': return { format, records: parseRoutingJsonl(readFileSync(path, 'utf8')) };
    case 'routerbench-csv': return { format, records: importRouterBench(path) };
    case 'routellm-csv': return { format, records: importRouteLlmCsv(path) };
    case 'routellm-folder': return { format, records: importRouteLlm(path) };
    // One record per turn (turn 2 reads the second user message, as the local model does).
    case 'mt-bench-folder': return { format, records: importMtBenchFolder(path).flatMap((d) => [...d.turns]) };
  }
}
