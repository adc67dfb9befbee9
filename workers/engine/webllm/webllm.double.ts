/**
 * @module engine/webllm/webllm.double
 * Tests only: a test double of web-llm's engine and chat pipeline that follows web-llm's private field
 * names and call signatures (loadedModelIdToPipeline, pipeline.{tvm, vm, device, params, kvCache,
 * prefill, resolvedModelABI}, the packed functions and their argument order, LogitProcessor calls)
 * around a tiny deterministic model whose post-norm hidden state and logits we know exactly:
 * h_n = normalize(mean of the token embeddings up to n), logits = E·h (no bias: Llama-like).
 * Nothing here is web-llm's code; it is what our engine and tap may rely on, made checkable.
 */
import type { CreateMlcEngine, MlcEngineLike } from '../webllm-engine.js';
import type { LogitCapture } from './logit-capture.js';

export const DOUBLE_VOCAB = 32;
export const DOUBLE_HIDDEN = 8;

class FakeNDArray {
  constructor(
    readonly shape: readonly number[],
    readonly data: Float32Array | Int32Array,
  ) {}
  view(shape: readonly number[]): FakeNDArray {
    return new FakeNDArray(shape, this.data);
  }
  copyFrom(source: FakeNDArray | Float32Array | Int32Array): FakeNDArray {
    this.data.set(source instanceof FakeNDArray ? source.data : source);
    return this;
  }
  toArray(): Float32Array | Int32Array {
    return this.data;
  }
}

const embedding = Array.from({ length: DOUBLE_VOCAB }, (_, v) =>
  Float32Array.from({ length: DOUBLE_HIDDEN }, (_, i) => Math.sin(1 + v * 7 + i * 3)),
);
const tokenize = (text: string) => [...text].map((c) => c.charCodeAt(0) % DOUBLE_VOCAB);
const detokenize = (id: number) => String.fromCharCode(97 + (id % 26));

/** The model's true post-norm hidden state after `tokens`. */
export function doubleHiddenState(tokens: readonly number[]): Float32Array {
  const h = new Float32Array(DOUBLE_HIDDEN);
  for (const t of tokens) for (let i = 0; i < DOUBLE_HIDDEN; i++) h[i]! += embedding[t]![i]! / tokens.length;
  const norm = Math.hypot(...h) || 1;
  return h.map((x) => x / norm);
}
export const doubleLogits = (h: Float32Array) =>
  Float32Array.from(embedding, (e) => e.reduce((s, x, i) => s + x * h[i]!, 0));
export const doublePromptTokens = (messages: readonly { content: string }[]) =>
  tokenize(messages.map((m) => m.content).join('\n'));

export type DoubleOptions = {
  /** undefined: a 0.2.79-style pipeline without resolvedModelABI (single prefill). */
  readonly prefillABI?: 'single' | 'batch';
  /** false: a non-Llama library that does not compile the hidden-state functions. */
  readonly hiddenStateFunctions: boolean;
  readonly failWith?: string;
  /** How long web-llm's reload (download and compile) takes. */
  readonly createDelayMs?: number;
  /** web-llm's prefill_chunk_size: a longer prompt is forwarded in chunks; a one-token chunk goes to `decoding`. */
  readonly prefillChunkSize?: number;
  /**
   * web-llm holds a per-model lock from `create()` until the generation ends. 0.2.79 releases it
   * only when the generator runs to its end (a `return()` at a yield leaves it held, and the next
   * `create()` waits forever); 0.2.86 releases it in a `finally`. @default '0.2.79'
   */
  readonly lockRelease?: '0.2.79' | '0.2.86';
};

export function createWebLlmDouble(options: DoubleOptions) {
  const calls: {
    createdModelId?: string;
    interrupts: number;
    stockPrefills: number;
    tappedPrefills: number;
    decodes: number;
    unloads: number;
    locked: boolean;
  } = { interrupts: 0, stockPrefills: 0, tappedPrefills: 0, decodes: 0, unloads: 0, locked: false };
  const tvm = {
    beginScope() {},
    endScope() {},
    detachFromCurrentScope: <T>(v: T) => v,
    empty: (shape: readonly number[], dtype: string) =>
      new FakeNDArray(
        shape,
        dtype === 'int32'
          ? new Int32Array(shape.reduce((a, b) => a * b, 1))
          : new Float32Array(shape.reduce((a, b) => a * b, 1)),
      ),
    cpu: () => 'cpu',
  };
  // The embedding NDArray carries its token ids (and those already in the KV cache) in a side
  // table, so the double can recompute h for every position of a chunk.
  const tokensOf = new WeakMap<FakeNDArray, { history: number[]; chunk: number[] }>();
  const hiddenAll = (emb: FakeNDArray) => {
    const { history, chunk } = tokensOf.get(emb)!;
    const out = new Float32Array(chunk.length * DOUBLE_HIDDEN);
    chunk.forEach((_, n) => out.set(doubleHiddenState([...history, ...chunk.slice(0, n + 1)]), n * DOUBLE_HIDDEN));
    return new FakeNDArray([1, chunk.length, DOUBLE_HIDDEN], out);
  };
  const functions: Record<string, (...args: unknown[]) => unknown> = {
    prefill_to_last_hidden_states: (emb, kv) => {
      calls.tappedPrefills++;
      const h = hiddenAll(emb as FakeNDArray);
      return { get: (i: number) => (i === 0 ? h : kv) };
    },
    batch_select_last_hidden_states: (hidden, positions) => {
      const h = hidden as FakeNDArray;
      const p = (positions as FakeNDArray).data[0]!;
      return new FakeNDArray([1, DOUBLE_HIDDEN], h.data.slice(p * DOUBLE_HIDDEN, (p + 1) * DOUBLE_HIDDEN));
    },
    get_logits: (hidden) =>
      new FakeNDArray([1, DOUBLE_VOCAB], doubleLogits((hidden as FakeNDArray).data as Float32Array)),
  };
  const stockLogits = (emb: FakeNDArray, kv: unknown) => {
    const { history, chunk } = tokensOf.get(emb)!;
    return {
      get: (i: number) =>
        i === 0 ? new FakeNDArray([1, 1, DOUBLE_VOCAB], doubleLogits(doubleHiddenState([...history, ...chunk]))) : kv,
    };
  };
  const stockPrefill = (emb: FakeNDArray, kv: unknown) => {
    calls.stockPrefills++;
    return stockLogits(emb, kv);
  };
  const pipeline = {
    tvm,
    device: 'webgpu',
    params: 'params',
    kvCache: 'kv',
    vm: {
      getFunction(name: string) {
        if (!options.hiddenStateFunctions || !functions[name]) throw new Error(`Cannot find function ${name}`);
        return functions[name]!;
      },
    },
    prefill: (options.prefillABI === 'batch'
      ? (emb: unknown, positions: unknown, kv: unknown, params: unknown) => {
          void positions;
          void params;
          return stockPrefill(emb as FakeNDArray, kv);
        }
      : (emb: unknown, kv: unknown, params: unknown) => {
          void params;
          return stockPrefill(emb as FakeNDArray, kv);
        }) as (...args: unknown[]) => unknown,
    decoding: ((emb: unknown, kv: unknown) => {
      calls.decodes++;
      return stockLogits(emb as FakeNDArray, kv);
    }) as (...args: unknown[]) => unknown,
    ...(options.prefillABI ? { resolvedModelABI: { prefillABI: options.prefillABI } } : {}),
  };

  const createEngine: CreateMlcEngine = async (modelId, config) => {
    calls.createdModelId = modelId;
    if (options.createDelayMs) await new Promise((r) => setTimeout(r, options.createDelayMs));
    if (options.failWith) throw new Error(options.failWith);
    const processor: LogitCapture = config.logitProcessorRegistry.get(modelId)!;
    let interrupted = false;
    let lock: Promise<void> = Promise.resolve();
    const engine: MlcEngineLike & { loadedModelIdToPipeline: Map<string, typeof pipeline> } = {
      loadedModelIdToPipeline: new Map([[modelId, pipeline]]),
      interruptGenerate() {
        interrupted = true;
        calls.interrupts++;
      },
      async unload() {
        calls.unloads++;
      },
      async resetChat() {},
      chat: {
        completions: {
          async create(request) {
            await lock;
            let release!: () => void;
            lock = new Promise((resolve) => {
              release = resolve;
            });
            calls.locked = true;
            const unlock = () => {
              calls.locked = false;
              release();
            };
            interrupted = false;
            const tokens = doublePromptTokens(request.messages);
            async function* generateUnlocked() {
              // web-llm: prefill (chunk by chunk; a one-token chunk through `decoding`) → device.sync →
              // processLogits (first call = the prefill logits) → sample.
              const size = options.prefillChunkSize ?? tokens.length;
              let out!: { get(i: number): FakeNDArray };
              for (let at = 0; at < tokens.length; at += size) {
                const chunk = tokens.slice(at, at + size);
                const emb = new FakeNDArray(
                  [1, chunk.length, DOUBLE_HIDDEN],
                  new Float32Array(chunk.length * DOUBLE_HIDDEN),
                );
                tokensOf.set(emb, { history: tokens.slice(0, at), chunk });
                const args =
                  options.prefillABI === 'batch'
                    ? [emb, 'positions', pipeline.kvCache, pipeline.params]
                    : [emb, pipeline.kvCache, pipeline.params];
                out = (chunk.length > 1 ? pipeline.prefill : pipeline.decoding)(
                  ...(chunk.length > 1 ? args : [emb, pipeline.kvCache, pipeline.params]),
                ) as typeof out;
              }
              let logits = Float32Array.from(out.get(0).data as Float32Array);
              const generated = [...tokens];
              for (let step = 0; step < request.max_tokens; step++) {
                if (interrupted) {
                  yield { choices: [{ delta: {}, finish_reason: 'abort' }] };
                  return;
                }
                const processed = processor.processLogits(logits);
                let id = 0;
                for (let v = 1; v < processed.length; v++) if (processed[v]! > processed[id]!) id = v;
                processor.processSampledToken(id);
                generated.push(id);
                yield { choices: [{ delta: { content: detokenize(id) }, finish_reason: null }] };
                logits = doubleLogits(doubleHiddenState(generated));
              }
              yield { choices: [{ delta: {}, finish_reason: 'length' }] };
            }
            async function* generate() {
              if (options.lockRelease === '0.2.86') {
                try {
                  yield* generateUnlocked();
                } finally {
                  unlock();
                }
              } else {
                yield* generateUnlocked();
                unlock(); // not reached when the consumer calls return() at a yield
              }
            }
            return generate();
          },
        },
      },
    };
    return engine;
  };
  return { createEngine, calls, pipeline };
}
