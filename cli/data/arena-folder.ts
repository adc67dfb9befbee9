/**
 * @module cli/data/arena-folder
 * An arena-style judgment folder: `question.jsonl` (`question_id` with `turns: [...]`, or a
 * `question`/`prompt` text) and `model_judgment/<model>.jsonl` (`question_id`, `score` 1–10,
 * optionally `model` and `turn`). Quality = score / 10, as for MT-Bench. Only the first turn is a
 * record (the prompt a router sees first). A null, negative (FastChat's -1 for a failed judgment)
 * or non-numeric score is dropped and counted, never read as 0.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { RouterError } from '../../core/errors.js';
import type { Outcome, RoutingRecord } from '../../core/data/routing-dataset.js';

export const isArenaFolder = (dir: string): boolean =>
  existsSync(resolve(dir, 'question.jsonl')) &&
  existsSync(resolve(dir, 'model_judgment')) &&
  statSync(resolve(dir, 'model_judgment')).isDirectory();

const jsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      if (!line.trim()) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        throw new RouterError('invalid_request', `${basename(path)}, line ${i + 1}: not JSON`);
      }
    });

export function importArenaFolder(dir: string): { records: RoutingRecord[]; droppedScores: number } {
  const prompts = new Map<string, { prompt: string; category: string }>();
  for (const q of jsonl(resolve(dir, 'question.jsonl'))) {
    const turns = Array.isArray(q.turns) ? q.turns : undefined;
    const prompt =
      typeof turns?.[0] === 'string'
        ? turns[0]
        : typeof q.question === 'string'
          ? q.question
          : typeof q.prompt === 'string'
            ? q.prompt
            : undefined;
    if (q.question_id === undefined || prompt === undefined) continue;
    prompts.set(String(q.question_id), { prompt, category: typeof q.category === 'string' ? q.category : 'arena' });
  }
  const outcomes = new Map<string, Record<string, Outcome>>();
  let droppedScores = 0;
  for (const file of readdirSync(resolve(dir, 'model_judgment'))
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    for (const j of jsonl(resolve(dir, 'model_judgment', file))) {
      if (j.turn !== undefined && Number(j.turn) !== 1) continue;
      const id = String(j.question_id);
      if (!prompts.has(id)) continue;
      const score = j.score;
      if (typeof score !== 'number' || !Number.isFinite(score) || score < 0) {
        droppedScores++;
        continue;
      }
      const model = typeof j.model === 'string' ? j.model : file.replace(/\.jsonl$/, '');
      outcomes.set(id, { ...outcomes.get(id), [model]: { quality: Math.min(1, score / 10) } });
    }
  }
  const records = [...prompts].flatMap(([id, q]) =>
    outcomes.has(id)
      ? [{ id: `${basename(dir)}/${id}`, source: q.category, prompt: q.prompt, outcomes: outcomes.get(id)! }]
      : [],
  );
  if (records.length === 0)
    throw new RouterError(
      'invalid_request',
      `${basename(dir)}: no question in question.jsonl has a judgment in model_judgment/`,
    );
  return { records, droppedScores };
}
