/**
 * @module cli/commands/recordings
 * `riskgate recordings`: writes the record/replay upstream's default recordings from RouteLLM's
 * GSM8K file (the one RouteLLM file with answer text; Apache-2.0): one JSON line per
 * (prompt, model) with the model's real recorded answer.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { REPO_ROOT, SHARED_DIR } from '../../node/paths.js';

export const RECORDINGS_HELP = `riskgate recordings [--data DIR] [--out FILE]
  Writes edge-proxy/recordings/routellm-gsm8k.jsonl ({prompt, model, response} per line) from
  RouteLLM's gsm8k_responses.csv, for the record/replay upstream.`;

const MODELS = ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'gpt-4-1106-preview'];

export async function recordings(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, out: { type: 'string' } } });
  const csv = resolve(values.data ?? resolve(SHARED_DIR, 'data'), 'routellm/gsm8k/gsm8k_responses.csv');
  const rows = parse(readFileSync(csv), { columns: true }) as Record<string, string>[];
  const lines = rows.flatMap((row) =>
    MODELS.map((model) =>
      JSON.stringify({ prompt: row.prompt, model, response: (row[`${model}_response`] ?? '').trim() }),
    ),
  );
  const out = values.out ?? resolve(REPO_ROOT, 'edge-proxy/recordings/routellm-gsm8k.jsonl');
  writeFileSync(out, `${lines.join('\n')}\n`);
  console.log(`recordings: ${lines.length} answers of ${MODELS.length} models → ${out}`);
}
