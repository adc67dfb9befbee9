/**
 * @module cli/data/routerbench
 * Imports a RouterBench CSV (11 models: correctness, USD cost per query, response) into routing
 * records. Follows ../shared/data/README.md: prompts and responses are Python list literals; the
 * 8 arc rows with a 2-element prompt are dropped (they carry one label and duplicate sample_ids);
 * an empty correctness cell is missing (the model is left out of that record), not wrong.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Outcome, RoutingRecord } from '../../core/data/routing-dataset.js';
import { parsePythonStringList } from '../../core/data/python-literal.js';

export const isRouterBenchHeader = (columns: readonly string[]) =>
  columns.includes('oracle_model_to_route_to') && columns.includes('sample_id');

export function importRouterBench(path: string): RoutingRecord[] {
  const rows = parse(readFileSync(path), { columns: true }) as Record<string, string>[];
  const columns = Object.keys(rows[0] ?? {});
  const models = columns.filter((c) => columns.includes(`${c}|total_cost`));
  const records: RoutingRecord[] = [];
  for (const row of rows) {
    const prompt = parsePythonStringList(row.prompt ?? '');
    if (prompt.length !== 1) continue;
    const outcomes: Record<string, Outcome> = {};
    for (const model of models) {
      const label = row[model];
      if (label === undefined || label === '') continue;
      const response = parsePythonStringList(row[`${model}|model_response`] ?? '[]').join('\n');
      outcomes[model] = { quality: Number(label), cost_usd: Number(row[`${model}|total_cost`]), response };
    }
    records.push({ id: row.sample_id!, source: row.eval_name ?? 'routerbench', prompt: prompt[0]!, outcomes });
  }
  return records;
}
