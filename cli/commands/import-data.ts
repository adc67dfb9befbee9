/**
 * @module cli/commands/import-data
 * `riskgate import`: any supported routing data → the unified routing-dataset JSONL.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RouterError } from '../../core/errors.js';
import { loadRoutingData } from '../data/load-routing-data.js';

export const IMPORT_HELP = `riskgate import --data FILE|DIR --out FILE.jsonl
  Converts a RouterBench CSV, a RouteLLM response CSV or folder, an MT-Bench folder (one record
  per turn), an arena-style folder (question.jsonl + model_judgment/<model>.jsonl, score / 10), a
  {question, scores} JSON or JSONL (RouterDC), or a routing JSONL into the routing-dataset JSONL
  ({id, source, prompt, outcomes: {model: {quality, cost_usd?, response?}}}), one record per prompt.`;

export async function importData(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, out: { type: 'string' } } });
  if (!values.data || !values.out)
    throw new RouterError('invalid_request', `--data and --out are required\n${IMPORT_HELP}`);
  const { format, records, duplicates, conflicting, droppedScores } = loadRoutingData(values.data);
  writeFileSync(values.out, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const models = new Set(records.flatMap((r) => Object.keys(r.outcomes)));
  console.log(`import: ${records.length} records, ${models.size} models (${format}) → ${values.out}`);
  if (duplicates + conflicting + droppedScores > 0)
    console.log(
      `import: removed ${duplicates} duplicate prompt copies (${conflicting} prompts whose copies disagree), ${droppedScores} null or non-numeric scores`,
    );
}
