/**
 * @module engine/onnx-causal-lm
 * `LocalEngine` over any decoder-only ONNX model with the standard KV-cache names
 * (`input_ids`, `past_key_values.N.key|value` → `logits`, `present.N.key|value`), run by
 * onnxruntime (web in the worker, node in the proxy and tests — the same code, the runtime is
 * injected). One prefill per prompt; decode continues from the cache that prefill left
 * (docs/architecture.md §3).
 *
 * Optional parts of that convention are read from the session, not assumed: `attention_mask` and
 * `position_ids` are fed when the model declares them (Optimum / transformers.js exports do), and
 * the representation is the `hidden_states` output when there is one, else the logits' count-sketch
 * (`info.representation` says which; decision 007).
 */
import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-common';
import { RouterError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/protocol/chat.js';
import { conversationText } from '../../core/chat/conversation-text.js';
import type {
  DecodedToken,
  DecodeOptions,
  EngineCounters,
  EngineInfo,
  FinishReason,
  LocalEngine,
  Prefill,
} from '../../core/protocol/local-engine.js';
import { BOS_ID, type Tokenizer } from '../../core/tokenizer/tok512.js';
import { createRandom, sampleToken } from '../../core/sampling.js';
import { truncatePromptTokens } from '../../core/tokenizer/truncate.js';

/** The part of onnxruntime-web / onnxruntime-node this engine needs. */
export type OrtRuntime = {
  readonly InferenceSession: {
    create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  readonly Tensor: typeof Tensor;
  /** onnxruntime-web's global settings; read once, before the first session (absent in Node). */
  readonly env?: { readonly wasm: { numThreads?: number } };
};

export type OnnxCausalLmOptions = {
  readonly modelId: string;
  readonly backend: EngineInfo['backend'];
  /** Tokens the model can attend to (from the manifest; RoPE tables bound it). */
  readonly contextLength: number;
  readonly executionProviders?: InferenceSession.SessionOptions['executionProviders'];
};

type Cache = Record<string, Tensor>;

export class OnnxCausalLm implements LocalEngine {
  readonly info: EngineInfo;
  readonly #ort: OrtRuntime;
  readonly #session: InferenceSession;
  readonly #tokenizer: Tokenizer;
  readonly #cacheNames: readonly string[];
  readonly #kvShape: readonly [number, number];
  readonly #feedsAttentionMask: boolean;
  readonly #feedsPositionIds: boolean;
  #cache: Cache | undefined;
  #nextLogits: Float32Array | undefined;
  #lastToken = BOS_ID;
  #position = 0;
  /** The token ids whose keys and values are in #cache, in order. */
  #cachedTokens: number[] = [];
  #counters = { prefillCalls: 0, forwardCalls: 0, prefilledTokens: 0 };

  private constructor(
    ort: OrtRuntime,
    session: InferenceSession,
    tokenizer: Tokenizer,
    info: EngineInfo,
    kvShape: [number, number],
  ) {
    this.#ort = ort;
    this.#session = session;
    this.#tokenizer = tokenizer;
    this.info = info;
    this.#kvShape = kvShape;
    this.#cacheNames = session.inputNames.filter((n) => n.startsWith('past_key_values.'));
    this.#feedsAttentionMask = session.inputNames.includes('attention_mask');
    this.#feedsPositionIds = session.inputNames.includes('position_ids');
  }

  static async create(
    ort: OrtRuntime,
    model: Uint8Array,
    tokenizer: Tokenizer,
    options: OnnxCausalLmOptions,
  ): Promise<OnnxCausalLm> {
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(model, {
        executionProviders: options.executionProviders ?? ['cpu'],
        graphOptimizationLevel: 'all',
      });
    } catch (cause) {
      throw new RouterError(
        'engine_failed',
        `could not load ${options.modelId} on ${options.backend}: ${String(cause)}`,
        { cause },
      );
    }
    const missing = ['input_ids', 'past_key_values.0.key']
      .filter((n) => !session.inputNames.includes(n))
      .concat(['logits', 'present.0.key'].filter((n) => !session.outputNames.includes(n)));
    if (missing.length > 0)
      throw new RouterError(
        'invalid_model',
        `${options.modelId} lacks ${missing.join(', ')} (a decoder-only ONNX with a KV cache is expected)`,
      );
    const meta = readMetadata(session, options.modelId);
    const info: EngineInfo = {
      kind: 'onnx',
      backend: options.backend,
      model: options.modelId,
      hiddenSize: meta.hiddenSize,
      contextLength: options.contextLength,
      representation: meta.hiddenSize > 0 ? 'hidden_state_last' : 'logit_sketch',
    };
    return new OnnxCausalLm(ort, session, tokenizer, info, [meta.kvHeads, meta.headSize]);
  }

  /**
   * Prefills the conversation. When the previous turn's cache holds a prefix of it (the earlier
   * turns, the local answer or the edge's reply appended), only the new tokens are run: a local
   * turn continues the cache, and after an edge turn the edge's reply is what gets prefilled.
   */
  async prefill(
    messages: readonly ChatMessage[],
    options: { readonly maxPromptTokens?: number } = {},
  ): Promise<Prefill> {
    const started = performance.now();
    const encoded = this.#tokenizer.encode(conversationText(messages));
    const { tokens, dropped } = truncatePromptTokens(
      encoded,
      Math.min(this.info.contextLength, options.maxPromptTokens ?? Infinity),
    );
    const cached = this.#cachedTokens;
    const reusable =
      dropped === 0 &&
      this.#cache !== undefined &&
      cached.length < tokens.length &&
      cached.every((t, i) => t === tokens[i]);
    if (!reusable) {
      this.#cache = this.#emptyCache();
      this.#cachedTokens = [];
    }
    const fresh = tokens.slice(this.#cachedTokens.length);
    const outputs = await this.#forward(fresh);
    const d = this.info.hiddenSize;
    const hidden = d > 0 ? (outputs.hidden_states!.data as Float32Array) : new Float32Array(0);
    this.#counters.prefillCalls++;
    this.#counters.prefilledTokens += fresh.length;
    this.#lastToken = tokens[tokens.length - 1]!;
    this.#position = tokens.length;
    return {
      hiddenState: hidden.slice((fresh.length - 1) * d, fresh.length * d),
      lastLogits: this.#nextLogits!.slice(),
      tokenCount: tokens.length,
      reusedTokens: tokens.length - fresh.length,
      truncatedTokens: dropped,
      prefillMs: performance.now() - started,
    };
  }

  async countTokens(messages: readonly ChatMessage[]): Promise<number> {
    return this.#tokenizer.encode(conversationText(messages)).length;
  }

  async *decode(options: DecodeOptions): AsyncGenerator<DecodedToken, FinishReason> {
    if (!this.#cache || !this.#nextLogits)
      throw new RouterError('engine_not_ready', 'decode() needs a prefill() first');
    const random = createRandom(options.seed ?? 0);
    const text = new TextDecoder();
    for (let produced = 0; ; produced++) {
      if (options.signal?.aborted) return 'abort';
      if (produced >= options.maxTokens) return 'length';
      if (this.#position >= this.info.contextLength) return 'length';
      const id = sampleToken(this.#nextLogits, options.temperature ?? 0, random);
      if (id === BOS_ID) return 'stop'; // llama2.c run.c stops on BOS
      const piece = text.decode(this.#tokenizer.decodePiece(this.#lastToken, id), { stream: true });
      this.#lastToken = id;
      yield { id, text: piece };
      if (produced + 1 < options.maxTokens) await this.#forward([id]);
      this.#position++;
    }
  }

  reset(): void {
    this.#cache = undefined;
    this.#cachedTokens = [];
    this.#nextLogits = undefined;
    this.#position = 0;
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  async #forward(tokens: readonly number[]): Promise<InferenceSession.OnnxValueMapType> {
    const int64 = (values: BigInt64Array) =>
      new this.#ort.Tensor('int64', values, [1, values.length]) as TypedTensor<'int64'>;
    const past = this.#cachedTokens.length;
    const feeds: Record<string, Tensor> = {
      input_ids: int64(BigInt64Array.from(tokens, (t) => BigInt(t))),
      ...this.#cache,
    };
    // No padding (batch 1): every key is attended; positions continue from the cache.
    if (this.#feedsAttentionMask) feeds.attention_mask = int64(new BigInt64Array(past + tokens.length).fill(1n));
    if (this.#feedsPositionIds) feeds.position_ids = int64(BigInt64Array.from(tokens, (_, i) => BigInt(past + i)));
    let outputs: InferenceSession.OnnxValueMapType;
    try {
      outputs = await this.#session.run(feeds);
    } catch (cause) {
      throw new RouterError('engine_failed', `${this.info.model} forward pass failed: ${String(cause)}`, { cause });
    }
    this.#counters.forwardCalls++;
    const next: Cache = {};
    for (const name of this.#cacheNames) next[name] = outputs[name.replace('past_key_values.', 'present.')]!;
    this.#cache = next;
    this.#cachedTokens.push(...tokens);
    const logits = outputs.logits!.data as Float32Array;
    const vocab = logits.length / tokens.length;
    this.#nextLogits = logits.slice(logits.length - vocab);
    return outputs;
  }

  #emptyCache(): Cache {
    const [kvHeads, headSize] = this.#kvShape;
    const cache: Cache = {};
    for (const name of this.#cacheNames)
      cache[name] = new this.#ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headSize]);
    return cache;
  }
}

/** hiddenSize 0: the model has no `hidden_states` output. */
function readMetadata(
  session: InferenceSession,
  modelId: string,
): { hiddenSize: number; kvHeads: number; headSize: number } {
  const hidden = session.outputMetadata.find((m) => m.name === 'hidden_states');
  const past = session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
  const dim = (meta: typeof hidden, i: number): number => {
    const value = meta && meta.isTensor ? meta.shape[i] : undefined;
    if (typeof value !== 'number')
      throw new RouterError('invalid_model', `${modelId}: ${meta?.name ?? '?'} has no static dimension ${i}`);
    return value;
  };
  // The cache is carried as float32 tensors between steps; a float16 cache needs another code path.
  if (past?.isTensor && past.type !== 'float32')
    throw new RouterError(
      'invalid_model',
      `${modelId}: past_key_values are ${past.type}; this engine carries a float32 KV cache`,
    );
  return { hiddenSize: hidden ? dim(hidden, 2) : 0, kvHeads: dim(past, 1), headSize: dim(past, 3) };
}
