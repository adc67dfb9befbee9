/**
 * @module cli/data/scores-json
 * A JSON file of `{question, scores: {model: 0..1}}` rows (the RouterDC layout; also accepted as
 * JSONL): quality is the score as it is. Optional `id`, `dataset`/`task` (the record's source) are
 * kept; a null or non-numeric score leaves that model out of the record, and is counted.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { RouterError } from '../../core/errors.js';
import type { Outcome, RoutingRecord } from '../../core/data/routing-dataset.js';

type Row = { question?: unknown; scores?: unknown; id?: unknown; dataset?: unknown; task?: unknown };

export const isScoresRow = (row: unknown): boolean =>
  typeof row === 'object' &&
  row !== null &&
  typeof (row as Row).question === 'string' &&
  typeof (row as Row).scores === 'object' &&
  (row as Row).scores !== null;

/** The rows of a `.json` (an array) or `.jsonl` file; undefined when it is not that layout. */
export function readScoresRows(path: string): Row[] | undefined {
  const text = readFileSync(path, 'utf8');
  let rows: unknown;
  try {
    rows = path.endsWith('.jsonl')
      ? text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as unknown)
      : JSON.parse(text);
  } catch {
    return undefined;
  }
  return Array.isArray(rows) && rows.length > 0 && isScoresRow(rows[0]) ? (rows as Row[]) : undefined;
}

export function importScoresJson(path: string): { records: RoutingRecord[]; droppedScores: number } {
  const rows = readScoresRows(path);
  if (!rows)
    throw new RouterError(
      'invalid_request',
      `${basename(path)}: expected a JSON array of {"question": "...", "scores": {"model": 0..1}}`,
    );
  let droppedScores = 0;
  const records = rows.map((row, i) => {
    if (!isScoresRow(row))
      throw new RouterError(
        'invalid_request',
        `${basename(path)}, row ${i + 1}: needs "question" (text) and "scores" (an object)`,
      );
    const outcomes: Record<string, Outcome> = {};
    for (const [model, score] of Object.entries(row.scores as Record<string, unknown>)) {
      if (typeof score === 'number' && Number.isFinite(score)) outcomes[model] = { quality: score };
      else droppedScores++;
    }
    const source =
      typeof row.dataset === 'string'
        ? row.dataset
        : typeof row.task === 'string'
          ? row.task
          : basename(path).replace(/\.jsonl?$/, '');
    return {
      id: typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : `${source}/${i}`,
      source,
      prompt: row.question as string,
      outcomes,
    };
  });
  return { records, droppedScores };
}
