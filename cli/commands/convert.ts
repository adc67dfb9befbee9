/**
 * @module cli/commands/convert
 * `riskgate convert`: llama2.c checkpoint → ONNX with KV cache and `hidden_states`, then writes
 * public/models/manifest.json with every artifact's sha256.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelManifest } from '../../core/protocol/manifest.js';
import { RouterError } from '../../core/errors.js';
import { convertCheckpoint, sha256Hex } from '../../node/local-model.js';
import {
  CHECKPOINT_PATH,
  GATE_PATH,
  LOCAL_MODEL_ID,
  LOCAL_ONNX_PATH,
  MANIFEST_PATH,
  MODELS_DIR,
  THRESHOLDS_PATH,
  TOKENIZER_PATH,
} from '../../node/paths.js';

export const CONVERT_HELP = `riskgate convert [--checkpoint FILE] [--out FILE] [--layout riskgate|transformers]
  Converts a llama2.c checkpoint (default: the embedded stories260K) to ONNX with
  input_ids / past_key_values.N.key|value → logits / present.N.key|value / hidden_states,
  and refreshes public/models/manifest.json. --layout transformers writes the layout of
  Optimum / transformers.js exports instead (attention_mask and position_ids inputs, no
  hidden_states output); it needs --out, since the embedded gate reads hidden_states.`;

/**
 * The EP and thread count `auto` uses for the embedded model: the fastest in `npm run bench:browser`
 * (decision 012). A 260K-parameter model is dispatch-bound: a second WASM thread or the GPU's
 * dispatches cost more than they save. A larger model is measured again and gets its own entry.
 */
const EMBEDDED_MODEL_RUNTIME = {
  backend: 'wasm',
  wasm_threads: 1,
  measured: 'decision 012: WASM, 1 thread, fastest in bench:browser',
} as const;

export async function convert(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      checkpoint: { type: 'string' },
      out: { type: 'string' },
      layout: { type: 'string', default: 'riskgate' },
    },
  });
  const started = Date.now();
  const layout = values.layout;
  if (layout !== 'riskgate' && layout !== 'transformers')
    throw new RouterError('invalid_request', `--layout must be riskgate or transformers, not ${layout}`);
  const out = values.out ?? LOCAL_ONNX_PATH;
  if (layout === 'transformers' && out === LOCAL_ONNX_PATH)
    throw new RouterError(
      'invalid_request',
      '--layout transformers needs --out: the embedded gate reads hidden_states, which that layout lacks',
    );
  const model = convertCheckpoint(values.checkpoint ?? CHECKPOINT_PATH, LOCAL_MODEL_ID, layout);
  const unchanged = existsSync(out) && sha256Hex(readFileSync(out)) === sha256Hex(model.onnx);
  if (!unchanged) writeFileSync(out, model.onnx);
  console.log(
    `convert: ${out} ${unchanged ? 'up to date' : 'written'} (${model.onnx.byteLength} bytes, ${Date.now() - started} ms)`,
  );
  if (out !== LOCAL_ONNX_PATH) return;
  const rel = (p: string) => relative(MODELS_DIR, p);
  const manifest: ModelManifest = {
    format: 'riskgate.manifest/1',
    local_model: {
      id: LOCAL_MODEL_ID,
      onnx: rel(LOCAL_ONNX_PATH),
      tokenizer: rel(TOKENIZER_PATH),
      sha256: sha256Hex(model.onnx),
      source_sha256: model.sourceSha256,
      context_length: model.config.seqLen,
      hidden_size: model.config.dim,
      runtime: EMBEDDED_MODEL_RUNTIME,
    },
    gate: { onnx: rel(GATE_PATH), sha256: existsSync(GATE_PATH) ? sha256Hex(readFileSync(GATE_PATH)) : '' },
    thresholds: {
      json: rel(THRESHOLDS_PATH),
      sha256: existsSync(THRESHOLDS_PATH) ? sha256Hex(readFileSync(THRESHOLDS_PATH)) : '',
    },
  };
  writeFileSync(MANIFEST_PATH, `${JSON.stringify(manifest, null, 1)}\n`);
}
