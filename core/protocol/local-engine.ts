/**
 * @module protocol/local-engine
 * The `LocalEngine` seam (docs/architecture.md §5): prefill once, read the hidden state, then either
 * decode from the same KV cache or reset. Implementations: `OnnxCausalLm` (workers/engine) and
 * `FakeEngine` (tests only); both pass `workers/engine/local-engine.contract.ts`.
 */
import type { ChatMessage } from './chat.js';

export type EngineInfo = {
  readonly kind: 'onnx' | 'webllm' | 'gguf' | 'fake';
  readonly backend: 'wasm' | 'webgpu' | 'cpu';
  readonly model: string;
  /** 0 when the engine does not expose its hidden state. */
  readonly hiddenSize: number;
  readonly contextLength: number;
  /** What `Prefill` gives the gate: the hidden state, or only the logits (read as a count-sketch). */
  readonly representation: 'hidden_state_last' | 'logit_sketch';
};

export type Prefill = {
  /** Final-normed last-layer hidden state at the last prompt position (empty when hiddenSize is 0). */
  readonly hiddenState: Float32Array;
  /** Next-token logits at the last prompt position (the input of the logit-sketch representation). */
  readonly lastLogits: Float32Array;
  /** Prompt tokens actually prefilled (after left truncation), BOS included. */
  readonly tokenCount: number;
  /** Leading tokens already in the KV cache from the previous turn (not prefilled again). */
  readonly reusedTokens: number;
  /** Prompt tokens dropped by left truncation to fit the context window. */
  readonly truncatedTokens: number;
  readonly prefillMs: number;
};

export type DecodeOptions = {
  readonly maxTokens: number;
  /** 0 = greedy argmax (the default). */
  readonly temperature?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
};

export type DecodedToken = { readonly id: number; readonly text: string };
export type FinishReason = 'stop' | 'length' | 'abort';

export type EngineCounters = {
  readonly prefillCalls: number;
  readonly forwardCalls: number;
  readonly prefilledTokens: number;
};

export interface LocalEngine {
  readonly info: EngineInfo;
  /**
   * `maxPromptTokens` (default: the context length) is where left truncation cuts, so a caller can
   * keep room in the window for the answer.
   */
  prefill(messages: readonly ChatMessage[], options?: { readonly maxPromptTokens?: number }): Promise<Prefill>;
  /**
   * Tokens `prefill(messages)` would read, BOS included, before any truncation (the history
   * window decides what fits; an engine without a tokenizer at hand may over-estimate, never under).
   * Asynchronous because a GGUF engine's tokenizer runs in llama.cpp's own worker.
   */
  countTokens(messages: readonly ChatMessage[]): Promise<number>;
  /**
   * Continues from the last prefill's KV cache (no second prefill). Yields tokens until
   * `maxTokens`, a stop token, the context limit or abort; `finishReason()` then says which.
   * @throws RouterError `engine_not_ready` when there is no prefill to continue from.
   */
  decode(options: DecodeOptions): AsyncGenerator<DecodedToken, FinishReason>;
  /** Drops the KV cache. */
  reset(): void;
  counters(): EngineCounters;
}
