/**
 * @module engine/gguf-engine
 * `LocalEngine` on a GGUF file through llama.cpp compiled to WebAssembly (wllama 2's low-level
 * API, decision 027). One prefill per prompt: the chat template from the file (rendered by
 * core/model/chat-template, as the native labeller renders it) formats the
 * conversation, llama.cpp's tokenizer reads it, the tokens the KV cache already holds from the last
 * turn are kept (`kvRemove` past the common prefix) and only the rest is decoded. The logits that
 * prefill leaves are the representation (read as a logit sketch, as on WebLLM's logit path) and
 * the first token is sampled from those same logits, so a local answer continues that prefill.
 */
import { RouterError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/protocol/chat.js';
import type {
  DecodedToken,
  DecodeOptions,
  EngineCounters,
  EngineInfo,
  FinishReason,
  LocalEngine,
  Prefill,
} from '../../core/protocol/local-engine.js';
import { truncatePromptTokens } from '../../core/tokenizer/truncate.js';
import { chatTemplateOf, type ChatTemplate } from '../../core/model/chat-template.js';
import { logProbabilities } from '../../core/representation/log-probabilities.js';

/** The part of wllama 2 the engine uses (the real `Wllama` satisfies it). */
export type WllamaLike = {
  getModelMetadata(): { hparams: { nVocab: number; nCtxTrain: number }; meta: Record<string, string> };
  detokenize(tokens: number[], returnString: true): Promise<string>;
  tokenize(text: string, special?: boolean): Promise<number[]>;
  decode(tokens: number[], options: Record<string, never>): Promise<{ nPast: number }>;
  getLogits(topK: number): Promise<{ token: number; p: number }[]>;
  samplingInit(config: { temp: number; top_k?: number; seed?: number }, pastTokens?: number[]): Promise<void>;
  samplingSample(): Promise<{ piece: Uint8Array; token: number }>;
  samplingAccept(tokens: number[]): Promise<void>;
  kvRemove(nKeep: number, nDiscard: number): Promise<void>;
  kvClear(): Promise<void>;
  isTokenEOG(token: number): boolean;
  getBOS(): number;
  getEOS(): number;
  mustAddBosToken(): boolean;
  getNumThreads(): number;
  isMultithread(): boolean;
  exit(): Promise<void>;
};

export type GgufModelInfo = { readonly modelId: string; readonly contextLength: number };

export class GgufEngine implements LocalEngine {
  readonly info: EngineInfo & { readonly threads: number };
  readonly #llama: WllamaLike;
  /** The tokens the KV cache holds, in order: the last prompt and the answer tokens decoded after it. */
  #cached: number[] = [];
  /** Set by prefill, cleared by reset: decode needs the prefill's logits in llama.cpp's context. */
  #ready = false;
  #counters = { prefillCalls: 0, forwardCalls: 0, prefilledTokens: 0 };

  readonly #template: ChatTemplate;

  /** Reads the chat template and its special tokens from the file; a file without one is refused. */
  static async create(llama: WllamaLike, model: GgufModelInfo): Promise<GgufEngine> {
    const source = llama.getModelMetadata().meta['tokenizer.chat_template'];
    if (!source)
      throw new RouterError(
        'invalid_model',
        `${model.modelId} carries no chat template (tokenizer.chat_template): it is not a chat model`,
      );
    const [bos, eos] = await Promise.all([
      llama.detokenize([llama.getBOS()], true),
      llama.detokenize([llama.getEOS()], true),
    ]);
    let template: ChatTemplate;
    try {
      template = chatTemplateOf(source, { bos, eos });
    } catch (cause) {
      throw new RouterError('invalid_model', `${model.modelId}'s chat template is not valid Jinja: ${String(cause)}`, {
        cause,
      });
    }
    return new GgufEngine(llama, model, template);
  }

  private constructor(llama: WllamaLike, model: GgufModelInfo, template: ChatTemplate) {
    this.#llama = llama;
    this.#template = template;
    this.info = {
      kind: 'gguf',
      backend: 'wasm',
      model: model.modelId,
      hiddenSize: 0,
      contextLength: model.contextLength,
      representation: 'logit_sketch',
      threads: llama.isMultithread() ? llama.getNumThreads() : 1,
    };
  }

  async #encode(messages: readonly ChatMessage[]): Promise<number[]> {
    const tokens = await this.#llama.tokenize(this.#template.render(messages), true);
    return this.#llama.mustAddBosToken() && tokens[0] !== this.#llama.getBOS()
      ? [this.#llama.getBOS(), ...tokens]
      : tokens;
  }

  async countTokens(messages: readonly ChatMessage[]): Promise<number> {
    return (await this.#encode(messages)).length;
  }

  async prefill(
    messages: readonly ChatMessage[],
    options: { readonly maxPromptTokens?: number } = {},
  ): Promise<Prefill> {
    const started = performance.now();
    this.#ready = false;
    const { tokens, dropped } = truncatePromptTokens(
      await this.#encode(messages),
      Math.min(this.info.contextLength, options.maxPromptTokens ?? Infinity),
    );
    let keep = 0;
    while (keep < tokens.length && keep < this.#cached.length && tokens[keep] === this.#cached[keep]) keep++;
    // The last prompt token is always decoded again: its logits are this prompt's representation.
    keep = Math.min(keep, tokens.length - 1);
    try {
      if (keep === 0) await this.#llama.kvClear();
      else if (this.#cached.length > keep) await this.#llama.kvRemove(keep, -1);
      this.#cached = tokens.slice(0, keep);
      await this.#llama.decode(tokens.slice(keep), {});
      this.#cached = tokens;
      const probabilities = await this.#llama.getLogits(-1);
      // temp 0: greedy, llama.cpp's argmax over the very logits read above.
      await this.#llama.samplingInit({ temp: 0 }, tokens);
      this.#ready = true;
      this.#counters.prefillCalls++;
      this.#counters.prefilledTokens += tokens.length - keep;
      return {
        hiddenState: new Float32Array(0),
        lastLogits: logProbabilities(probabilities.map((p) => [p.token, p.p] as const)),
        tokenCount: tokens.length,
        reusedTokens: keep,
        truncatedTokens: dropped,
        prefillMs: performance.now() - started,
      };
    } catch (error) {
      await this.#forget();
      throw mapLlamaError(error);
    }
  }

  async *decode(options: DecodeOptions): AsyncGenerator<DecodedToken, FinishReason> {
    if (!this.#ready) throw new RouterError('engine_not_ready', 'decode() needs a prefill() first');
    this.#ready = false;
    if (options.temperature && options.temperature > 0) {
      await this.#llama.samplingInit(
        { temp: options.temperature, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
        this.#cached,
      );
    }
    const text = new TextDecoder();
    // A sampled token enters the KV cache at the next step, so stopping after it costs no forward pass.
    let pending: number | undefined;
    for (let produced = 0; produced < options.maxTokens; produced++) {
      if (options.signal?.aborted) return 'abort';
      if (pending !== undefined) await this.#advance(pending);
      pending = undefined;
      if (this.#cached.length >= this.info.contextLength) return 'length';
      const { token, piece } = await this.#llama.samplingSample().catch((e: unknown) => {
        throw mapLlamaError(e);
      });
      if (this.#llama.isTokenEOG(token)) return 'stop';
      await this.#llama.samplingAccept([token]);
      pending = token;
      this.#counters.forwardCalls++;
      const chunk = text.decode(piece, { stream: true });
      // SentencePiece's word-start space on the answer's first word is not part of the answer.
      yield { id: token, text: produced === 0 ? chunk.trimStart() : chunk };
    }
    return 'length';
  }

  reset(): void {
    this.#ready = false;
    void this.#forget();
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  async #advance(token: number): Promise<void> {
    try {
      await this.#llama.decode([token], {});
    } catch (error) {
      await this.#forget();
      throw mapLlamaError(error);
    }
    this.#cached.push(token);
  }

  async #forget(): Promise<void> {
    this.#cached = [];
    await this.#llama.kvClear().catch(() => undefined);
  }
}

/** llama.cpp's failures → our codes; `engine_failed` hands over to the next rung of the ladder. */
export function mapLlamaError(error: unknown): RouterError {
  if (error instanceof RouterError) return error;
  const text = String((error as { message?: string })?.message ?? error);
  if (/kv_cache_full|out of context/i.test(text))
    return new RouterError('context_window_exceeded', text, { cause: error });
  return new RouterError('engine_failed', text, { cause: error });
}
