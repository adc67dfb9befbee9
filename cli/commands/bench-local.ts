/**
 * @module cli/commands/bench-local
 * `riskgate bench-local`: prefill time, gate time and decode tok/s of the embedded local model in
 * Node (onnxruntime-node, CPU); prints the figures and writes JSON. The browser figures come from
 * `npm run bench:browser` (bench/local-browser.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createNodeEngine } from '../../node/local-model.js';
import { createNodeGate } from '../gate-node.js';
import { collectDecode } from '../../workers/engine/collect-decode.js';
import { BENCH_PROMPTS } from '../../core/bench-prompts.js';
import { GATE_PATH, REPO_ROOT } from '../../node/paths.js';

export const BENCH_LOCAL_HELP = `riskgate bench-local [--out FILE] [--tokens N] [--repeats N]
  Measures prefill, gate and decode speed of stories260K in Node; writes JSON
  (default bench-results/local-node.json).`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchLocal(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, tokens: { type: 'string' }, repeats: { type: 'string' } },
  });
  const tokens = Number(values.tokens ?? 128);
  const repeats = Number(values.repeats ?? 5);
  const engine = await createNodeEngine();
  const gate = await createNodeGate(readFileSync(GATE_PATH));
  const prefillMs: number[] = [];
  const gateMs: number[] = [];
  const tokPerS: number[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const prompt of BENCH_PROMPTS) {
      const prefill = await engine.prefill([{ role: 'user', content: prompt }]);
      prefillMs.push(prefill.prefillMs);
      const g0 = performance.now();
      await gate([prefill.hiddenState], 0.5);
      gateMs.push(performance.now() - g0);
      const d0 = performance.now();
      const { tokens: produced } = await collectDecode(engine.decode({ maxTokens: tokens }));
      tokPerS.push(produced.length / ((performance.now() - d0) / 1000));
    }
  }
  const result = {
    runtime: 'onnxruntime-node (CPU)',
    model: engine.info.model,
    prompts: BENCH_PROMPTS.length,
    repeats,
    decode_tokens: tokens,
    prefill_ms_median: median(prefillMs),
    gate_ms_median: median(gateMs),
    decode_tokens_per_s_median: median(tokPerS),
  };
  console.log(JSON.stringify(result, null, 1));
  const out = values.out ?? resolve(REPO_ROOT, 'bench-results/local-node.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
}
