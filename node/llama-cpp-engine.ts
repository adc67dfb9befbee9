/**
 * @module node/llama-cpp-engine
 * `LocalEngine` on a GGUF file through native llama.cpp (node-llama-cpp's prebuilt CPU binary,
 * installed by `riskgate models fetch`, not by `npm install`: decision 027). The same prompt
 * string as the browser's GgufEngine (core/model/chat-template), the same tokenizer rules, the
 * same logit sketch input (core/representation/log-probabilities), one prefill per prompt whose
 * logits both are the representation and give the first token. It labels the gate's training set
 * (`riskgate fit`), serves the edge proxy's embedded upstream and is the bench's native baseline.
 * Inference runs on llama.cpp's own threads, off the event loop.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RouterError } from '../core/errors.js';
import { chatTemplateOf, type ChatTemplate } from '../core/model/chat-template.js';
import type { ChatMessage } from '../core/protocol/chat.js';
import type {
  DecodedToken,
  DecodeOptions,
  EngineCounters,
  EngineInfo,
  FinishReason,
  LocalEngine,
  Prefill,
} from '../core/protocol/local-engine.js';
import { logProbabilities } from '../core/representation/log-probabilities.js';
import { truncatePromptTokens } from '../core/tokenizer/truncate.js';
import { CACHE_DIR } from './paths.js';

/** Where `riskgate models fetch` installs node-llama-cpp (outside node_modules, so npm ci keeps it lean). */
export const LLAMA_NATIVE_DIR = resolve(CACHE_DIR, 'llama-native');
export const LLAMA_NATIVE_PACKAGES = ['node-llama-cpp@3.21.1', '@node-llama-cpp/linux-x64@3.21.1'] as const;

type Token = number;
type Generated = { token: Token; probabilities?: Map<Token, number> };
type Sequence = {
  readonly contextTokens: Token[];
  eraseContextTokenRanges(ranges: { start: number; end: number }[]): Promise<void>;
  evaluateWithMetadata(
    tokens: Token[],
    metadata: { probabilities: true },
    options?: { temperature?: number },
  ): AsyncGenerator<Generated, void, void>;
  evaluate(tokens: Token[], options?: { temperature?: number; seed?: number }): AsyncGenerator<Token, void, void>;
  clearHistory(): Promise<void>;
};
type Model = {
  readonly fileInfo: { metadata: { tokenizer?: { chat_template?: string } } };
  readonly tokens: { bos: Token | null; eos: Token | null };
  tokenize(text: string, specialTokens?: boolean): Token[];
  detokenize(tokens: readonly Token[], specialTokens?: boolean): string;
  isEogToken(token: Token): boolean;
  createContext(options: {
    contextSize: number;
    threads?: number;
    sequences?: number;
    flashAttention?: boolean;
  }): Promise<{ getSequence(): Sequence; dispose(): Promise<void> }>;
  dispose(): Promise<void>;
};
type LlamaCpp = { getLlama(options: object): Promise<{ loadModel(options: { modelPath: string }): Promise<Model> }> };

/** node-llama-cpp from the models cache, else from node_modules (a site owner's own install). */
export async function importLlamaCpp(): Promise<LlamaCpp> {
  const cached = resolve(LLAMA_NATIVE_DIR, 'node_modules/node-llama-cpp/dist/index.js');
  try {
    return (await import(existsSync(cached) ? pathToFileURL(cached).href : 'node-llama-cpp')) as LlamaCpp;
  } catch (cause) {
    throw new RouterError(
      'engine_failed',
      'native llama.cpp is not installed: run `npm run riskgate -- models fetch tinyllama-1.1b-chat`',
      { cause },
    );
  }
}

export type LlamaCppOptions = {
  readonly modelPath: string;
  readonly modelId: string;
  readonly contextLength: number;
  readonly threads?: number;
};

/** The weights and the file's chat template, loaded once; engines (contexts) are cheap beside them. */
export async function loadLlamaCppModel(options: LlamaCppOptions) {
  if (!existsSync(options.modelPath))
    throw new RouterError(
      'asset_unreachable',
      `${options.modelPath} is missing: run \`npm run riskgate -- models fetch tinyllama-1.1b-chat\``,
    );
  const { getLlama } = await importLlamaCpp();
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: 'error' });
  const model = await llama.loadModel({ modelPath: options.modelPath });
  const source = model.fileInfo.metadata.tokenizer?.chat_template;
  if (!source)
    throw new RouterError('invalid_model', `${options.modelId} carries no chat template: it is not a chat model`);
  const piece = (token: Token | null) => (token === null ? '' : model.detokenize([token], true));
  const template = chatTemplateOf(source, { bos: piece(model.tokens.bos), eos: piece(model.tokens.eos) });
  const resolved = { ...options, threads: options.threads ?? 2 };
  return {
    createEngine: (disposeModel?: () => Promise<void>) =>
      LlamaCppEngine.onContext(model, template, resolved, disposeModel),
    dispose: () => model.dispose(),
  };
}

export class LlamaCppEngine implements LocalEngine {
  readonly info: EngineInfo & { readonly threads: number };
  readonly #model: Model;
  readonly #sequence: Sequence;
  readonly #template: ChatTemplate;
  readonly #dispose: () => Promise<void>;
  /** The token sampled from the last prefill's logits, not yet in the KV cache. */
  #first: Token | undefined;
  #counters = { prefillCalls: 0, forwardCalls: 0, prefilledTokens: 0 };

  private constructor(
    model: Model,
    sequence: Sequence,
    template: ChatTemplate,
    options: LlamaCppOptions & { threads: number },
    dispose: () => Promise<void>,
  ) {
    this.#model = model;
    this.#sequence = sequence;
    this.#template = template;
    this.#dispose = dispose;
    this.info = {
      kind: 'gguf',
      backend: 'cpu',
      model: options.modelId,
      hiddenSize: 0,
      contextLength: options.contextLength,
      representation: 'logit_sketch',
      threads: options.threads,
    };
  }

  /** One model file, one engine: what the CLI and the proxy use. */
  static async create(options: LlamaCppOptions): Promise<LlamaCppEngine> {
    const loaded = await loadLlamaCppModel(options);
    return loaded.createEngine(loaded.dispose);
  }

  /** @internal Built by `loadLlamaCppModel`: each engine has its own context (KV cache) on the shared weights. */
  static async onContext(
    model: Model,
    template: ChatTemplate,
    options: LlamaCppOptions & { threads: number },
    disposeModel?: () => Promise<void>,
  ): Promise<LlamaCppEngine> {
    // Flash attention off, as the browser engine loads it (gguf-rung.ts): the same attention arithmetic on both sides.
    const context = await model.createContext({
      contextSize: options.contextLength,
      threads: options.threads,
      sequences: 1,
      flashAttention: false,
    });
    return new LlamaCppEngine(model, context.getSequence(), template, options, async () => {
      await context.dispose();
      await disposeModel?.();
    });
  }

  #encode(messages: readonly ChatMessage[]): Token[] {
    const tokens = this.#model.tokenize(this.#template.render(messages), true);
    const bos = this.#model.tokens.bos;
    return bos !== null && tokens[0] !== bos ? [bos, ...tokens] : tokens;
  }

  async countTokens(messages: readonly ChatMessage[]): Promise<number> {
    return this.#encode(messages).length;
  }

  async prefill(
    messages: readonly ChatMessage[],
    options: { readonly maxPromptTokens?: number } = {},
  ): Promise<Prefill> {
    const started = performance.now();
    this.#first = undefined;
    const { tokens, dropped } = truncatePromptTokens(
      this.#encode(messages),
      Math.min(this.info.contextLength, options.maxPromptTokens ?? Infinity),
    );
    const cached = this.#sequence.contextTokens;
    let keep = 0;
    while (keep < tokens.length && keep < cached.length && tokens[keep] === cached[keep]) keep++;
    keep = Math.min(keep, tokens.length - 1); // the last prompt token's logits are the representation
    if (keep < cached.length) await this.#sequence.eraseContextTokenRanges([{ start: keep, end: cached.length }]);
    const generation = this.#sequence.evaluateWithMetadata(
      tokens.slice(keep),
      { probabilities: true },
      { temperature: 0 },
    );
    const first = await generation.next();
    await generation.return(); // stop before the sampled token is evaluated: decode does that
    if (first.done || !first.value.probabilities)
      throw new RouterError('engine_failed', 'llama.cpp gave no next-token distribution');
    this.#first = first.value.token;
    this.#counters.prefillCalls++;
    this.#counters.prefilledTokens += tokens.length - keep;
    return {
      hiddenState: new Float32Array(0),
      lastLogits: logProbabilities(first.value.probabilities),
      tokenCount: tokens.length,
      reusedTokens: keep,
      truncatedTokens: dropped,
      prefillMs: performance.now() - started,
    };
  }

  async *decode(options: DecodeOptions): AsyncGenerator<DecodedToken, FinishReason> {
    const first = this.#first;
    if (first === undefined) throw new RouterError('engine_not_ready', 'decode() needs a prefill() first');
    this.#first = undefined;
    if (options.temperature && options.temperature > 0) {
      // Sampling at a temperature starts from the prefill's own distribution: the greedy first token is dropped.
      throw new RouterError('invalid_request', 'the native GGUF engine decodes greedily (temperature 0)');
    }
    if (options.maxTokens <= 0) return 'length';
    if (this.#model.isEogToken(first)) return 'stop';
    // Text of the answer so far, decoded as a whole: a token's piece alone may be half a UTF-8
    // character, and SentencePiece's leading space belongs to the answer's first word only.
    const answer: Token[] = [];
    let shown = '';
    const emit = (token: Token): DecodedToken => {
      answer.push(token);
      const text = this.#model.detokenize(answer);
      const complete = text.endsWith('\uFFFD') ? shown : text;
      const delta = complete.slice(shown.length);
      shown = complete;
      return { id: token, text: delta };
    };
    if (options.signal?.aborted) return 'abort';
    yield emit(first);
    this.#counters.forwardCalls++;
    if (answer.length >= options.maxTokens) return 'length';
    const generation = this.#sequence.evaluate([first], { temperature: 0 });
    try {
      for await (const token of generation) {
        if (options.signal?.aborted) return 'abort';
        if (this.#model.isEogToken(token)) return 'stop';
        yield emit(token);
        this.#counters.forwardCalls++;
        if (answer.length >= options.maxTokens) return 'length';
        if (this.#sequence.contextTokens.length >= this.info.contextLength - 1) return 'length';
      }
    } finally {
      await generation.return();
    }
    return 'stop';
  }

  reset(): void {
    this.#first = undefined;
    void this.#sequence.clearHistory();
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  async dispose(): Promise<void> {
    await this.#dispose();
  }
}
