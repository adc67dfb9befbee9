/**
 * @module testing/webllm-random-model
 * A deterministic random-weight MLC model folder for a compiled web-llm model library, so the
 * real web-llm runtime can be tested offline (issue 13; a TypeScript port of
 * ../shared/webllm-kit/gen_model.py). It reads the library's embedded `_metadata` (parameter names,
 * shapes, dtypes) and writes `ndarray-cache.json` + `params_shard_*.bin` (web-llm 0.2.79's
 * raw-shard layout), `mlc-chat-config.json` (temperature 0, an inline template whose role words
 * are vocabulary words), `tokenizer.json` (WordLevel over `w0…w{V−1}`) and `meta.json`.
 *
 * The numbers come from xoshiro128** with Box–Muller normals, not numpy's PCG64, so the weights
 * (and the tokens a model samples) differ from the Python kit's; the prompt's token ids, the
 * shapes and every equality the tests check do not depend on them. Same inputs → same bytes.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

export const GENERATOR_VERSION = 1;

type Param = { name: string; shape: (number | string)[]; dtype: string };
type Meta = { model_type: string; quantization: string; params: Param[]; prefill_chunk_size?: number };

/** Where generated models live: outside the repository (gigabytes), reused across runs. */
export const webLlmCacheDir = () =>
  process.env.RISKGATE_WEBLLM_CACHE ?? join(homedir(), '.cache', 'riskgate', 'webllm');

/** xoshiro128** (Blackman & Vigna): 32-bit state words, fast in JS, seeded through SplitMix32. */
function createRng(seed: number) {
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = new Uint32Array([splitmix(), splitmix(), splitmix(), splitmix()]);
  const next = () => {
    const result = Math.imul(((Math.imul(s[1]!, 5) << 7) | (Math.imul(s[1]!, 5) >>> 25)) >>> 0, 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = ((s[3]! << 11) | (s[3]! >>> 21)) >>> 0;
    return result;
  };
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    const u = (next() + 1) / 4294967297; // (0, 1)
    const v = next() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { next, normal };
}

export function readLibraryMetadata(libPath: string): Meta {
  const blob = readFileSync(libPath);
  const at = blob.indexOf('{"model_type');
  if (at < 0) throw new Error(`no embedded _metadata ('{"model_type') in ${libPath}`);
  // The JSON ends where its braces balance (strings in it hold no braces that matter here: names and dtypes).
  const text = blob.subarray(at).toString('latin1');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return JSON.parse(text.slice(0, i + 1)) as Meta;
    }
  }
  throw new Error(`unterminated _metadata in ${libPath}`);
}

export type GeneratedModel = {
  readonly dir: string;
  readonly vocab: number;
  readonly bytes: number;
  readonly shards: number;
  readonly reused: boolean;
};

/**
 * Writes the model folder `outDir` (reused when a finished one from the same library, options and
 * generator version is there). `vocab` is needed when the library keeps it symbolic (Llama).
 */
export function generateRandomModel(
  libPath: string,
  outDir: string,
  options: { vocab?: number; context?: number; seed?: number; shardBytes?: number } = {},
): GeneratedModel {
  const { context = 1024, seed = 0, shardBytes = 32 * 1024 * 1024 } = options;
  const libSha = createHash('sha256').update(readFileSync(libPath)).digest('hex');
  const stamp = JSON.stringify({
    generator: GENERATOR_VERSION,
    lib: libSha,
    vocab: options.vocab ?? null,
    context,
    seed,
    shardBytes,
  });
  const donePath = join(outDir, 'generated.json');
  if (existsSync(donePath)) {
    const done = JSON.parse(readFileSync(donePath, 'utf8')) as {
      stamp: string;
      vocab: number;
      bytes: number;
      shards: number;
    };
    if (done.stamp === stamp)
      return { dir: outDir, vocab: done.vocab, bytes: done.bytes, shards: done.shards, reused: true };
  }
  const meta = readLibraryMetadata(libPath);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'meta.json'), JSON.stringify(meta, null, 1));
  let vocab = options.vocab ?? 0;
  for (const p of meta.params) {
    if (p.name.includes('embed_tokens') && typeof p.shape[0] === 'number') {
      if (options.vocab && options.vocab !== p.shape[0])
        throw new Error(`${basename(libPath)} fixes the vocabulary at ${p.shape[0]}; do not pass vocab`);
      vocab = p.shape[0];
    }
  }
  if (!vocab) throw new Error(`${basename(libPath)} has a symbolic vocab_size: pass vocab`);

  const rng = createRng(seed);
  const shards: { dataPath: string; format: 'raw-shard'; nbytes: number; records: unknown[] }[] = [];
  let fd: number | undefined;
  let shard: (typeof shards)[number] | undefined;
  const open = () => {
    shard = { dataPath: `params_shard_${shards.length}.bin`, format: 'raw-shard', nbytes: 0, records: [] };
    shards.push(shard);
    fd = openSync(join(outDir, shard.dataPath), 'w');
  };
  for (const p of meta.params) {
    const shape = p.shape.map((d) => (d === 'vocab_size' ? vocab : d));
    if (shape.some((d) => typeof d !== 'number'))
      throw new Error(`unresolved symbolic dimension in ${p.name}: ${JSON.stringify(p.shape)}`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    let bytes: Uint8Array;
    if (p.dtype === 'uint32') {
      // q4: eight packed 4-bit codes per word (zero point 7)
      const a = new Uint32Array(count);
      for (let i = 0; i < count; i++) a[i] = rng.next();
      bytes = new Uint8Array(a.buffer);
    } else if (p.dtype === 'float32') {
      const a = new Float32Array(count);
      if (p.name.endsWith('q_scale')) a.fill(0.02 / 7);
      else if (p.name.endsWith('norm.weight')) a.fill(1);
      else for (let i = 0; i < count; i++) a[i] = rng.normal() * 0.02;
      bytes = new Uint8Array(a.buffer);
    } else
      throw new Error(
        `${p.name}: dtype ${p.dtype} is not generated (f32 and q4 libraries only: SwiftShader has no shader-f16)`,
      );
    if (!shard || (shard.nbytes > 0 && shard.nbytes + bytes.length > shardBytes)) {
      if (fd !== undefined) closeSync(fd);
      open();
    }
    writeSync(fd!, bytes);
    shard!.records.push({
      name: p.name,
      shape,
      dtype: p.dtype,
      format: 'raw',
      nbytes: bytes.length,
      byteOffset: shard!.nbytes,
    });
    shard!.nbytes += bytes.length;
  }
  if (fd !== undefined) closeSync(fd);
  const total = shards.reduce((n, s) => n + s.nbytes, 0);
  writeFileSync(
    join(outDir, 'ndarray-cache.json'),
    JSON.stringify({
      metadata: { ParamSize: meta.params.length, ParamBytes: total, BitsPerParam: 0 },
      records: shards,
    }),
  );
  writeFileSync(
    join(outDir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: null,
      model: {
        type: 'WordLevel',
        vocab: Object.fromEntries(Array.from({ length: vocab }, (_, i) => [`w${i}`, i])),
        unk_token: 'w0',
      },
    }),
  );
  writeFileSync(
    join(outDir, 'mlc-chat-config.json'),
    JSON.stringify(
      {
        model_type: meta.model_type,
        quantization: meta.quantization,
        vocab_size: vocab,
        context_window_size: context,
        sliding_window_size: -1,
        attention_sink_size: -1,
        prefill_chunk_size: meta.prefill_chunk_size ?? 1024,
        temperature: 0,
        top_p: 1,
        repetition_penalty: 1,
        frequency_penalty: 0,
        presence_penalty: 0,
        bos_token_id: 1,
        tokenizer_files: ['tokenizer.json'],
        tokenizer_info: { token_postproc_method: 'raw', prepend_space_in_encode: false, strip_space_in_decode: false },
        conv_template: {
          name: 'random-words',
          system_template: '{system_message}',
          system_message: 'w3',
          roles: { user: 'w4', assistant: 'w5', tool: 'w6' },
          role_templates: { user: '{user_message}', assistant: '{assistant_message}', tool: '{tool_message}' },
          seps: [' '],
          role_content_sep: ' ',
          role_empty_sep: ' ',
          stop_str: [],
          system_prefix_token_ids: [1],
          stop_token_ids: [2],
          add_role_after_system_message: true,
        },
      },
      null,
      1,
    ),
  );
  writeFileSync(donePath, JSON.stringify({ stamp, vocab, bytes: total, shards: shards.length }));
  return { dir: outDir, vocab, bytes: total, shards: shards.length, reused: false };
}
