/**
 * @module cli/commands/device-profile
 * `riskgate device-profile`: the cost model's device constants as the product measured them (issue
 * 15, point 3), from a `npm run bench` results.json: the local path's prefill time per prompt token
 * and decode time per token on one rung, pooled over the bench's prompt sets (each set's prompt
 * length counted by the model's own tokenizer). Writes a `--config` file for train, calibrate and
 * evaluate. Energy stays the documented device profile (2 W while computing): a browser cannot
 * measure power.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RouterError } from '../../core/errors.js';
import { benchResultsSchema } from '../../core/bench/results-schema.js';
import { PROMPT_SETS } from '../../core/bench/prompt-sets.js';
import { summarize } from '../../core/bench/stats.js';
import { createNodeEngine } from '../../node/local-model.js';
import { REPO_ROOT } from '../../node/paths.js';

export const DEVICE_PROFILE_HELP = `riskgate device-profile [--bench results.json] [--rung NAME] --out FILE.json
  From a \`npm run bench\` results.json (default docs/bench/results.json), the local path's measured
  prefill seconds per prompt token and decode seconds per token on --rung (default wasm-1), written
  as a --config file (wireless.localPrefillSPerToken, wireless.localDecodeSPerToken) with its source.`;

export async function deviceProfile(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { bench: { type: 'string' }, rung: { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.out) throw new RouterError('invalid_request', `--out FILE.json is required\n${DEVICE_PROFILE_HELP}`);
  const path = resolve(values.bench ?? resolve(REPO_ROOT, 'docs/bench/results.json'));
  const parsed = benchResultsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new RouterError('invalid_request', `${path} is not a riskgate-bench/1 results.json`);
  const rung = values.rung ?? 'wasm-1';
  const local = parsed.data.configurations.filter(
    (c) => c.rung === rung && c.path === 'local' && PROMPT_SETS[c.prompt_set.split('@')[0]!],
  );
  if (local.length === 0)
    throw new RouterError(
      'invalid_request',
      `${path} has no local-path configuration on rung ${rung} with a built-in prompt set (rungs: ${[...new Set(parsed.data.configurations.map((c) => c.rung))].join(', ')})`,
    );
  const engine = await createNodeEngine();
  // Per prompt set: its prompts' mean token count, and the median prefill time the bench measured.
  const perSet = new Map<string, { tokens: number; prefillMs: number[] }>();
  for (const c of local) {
    const set = PROMPT_SETS[c.prompt_set.split('@')[0]!]!;
    const counts = await Promise.all(set.conversations.map((m) => engine.countTokens(m)));
    const entry = perSet.get(set.name) ?? { tokens: counts.reduce((s, n) => s + n, 0) / counts.length, prefillMs: [] };
    entry.prefillMs.push(...(c.samples.prefill_ms ?? []));
    perSet.set(set.name, entry);
  }
  const sets = [...perSet.values()].filter((s) => s.prefillMs.length > 0);
  const prefillSPerToken =
    sets.reduce((s, e) => s + median(e.prefillMs) / 1000, 0) / sets.reduce((s, e) => s + e.tokens, 0);
  const decode = local.flatMap((c) => c.samples.decode_tokens_per_s ?? []);
  if (sets.length === 0 || decode.length === 0)
    throw new RouterError(
      'invalid_request',
      `${path}: rung ${rung} has no prefill or decode samples on the local path`,
    );
  const decodeSPerToken = 1 / median(decode);
  const adapter = local[0]!.adapter;
  const source = `measured by npm run bench (${path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length + 1) : path}, ${parsed.data.created}): ${parsed.data.machine.cpu}, rung ${rung} (${adapter}), model ${parsed.data.command.includes('webllm') ? 'WebLLM' : 'stories260K'}; prefill median over ${sets.length} prompt sets, decode median of ${decode.length} answers`;
  const config = {
    source,
    wireless: { localPrefillSPerToken: round(prefillSPerToken), localDecodeSPerToken: round(decodeSPerToken) },
  };
  mkdirSync(dirname(resolve(values.out)), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(config, null, 1)}\n`);
  console.log(
    `device-profile: prefill ${(prefillSPerToken * 1000).toFixed(3)} ms/token, decode ${(1 / decodeSPerToken).toFixed(0)} tok/s (${rung}, ${adapter}) → ${values.out}`,
  );
}

const round = (x: number) => Number(x.toPrecision(4));
const median = (xs: readonly number[]) => summarize(xs)?.p50 ?? NaN;
