/**
 * @module protocol/tooling-api
 * The router worker's calls for our own tools (never the widget): the engine alone, prompt
 * representations, greedy generation, the gate's score and the engine's counters.
 */
import type { Capabilities } from './capabilities.js';
import type { ChatMessage } from './chat.js';
import type { EngineCounters, EngineInfo } from './local-engine.js';
import type { LoadProgress, WorkerConfig } from './worker-api.js';

/** `initEngine`'s answer: the engine that will represent prompts, and why this rung. */
export type EngineStatus = {
  readonly engine: EngineInfo & { readonly representationNote?: string };
  readonly capabilities: Capabilities;
  readonly loadMs: number;
  /** Why a downloaded model file could not be kept for the next visit (quota, no Cache API); null when it was. */
  readonly storageNotice: string | null;
};

/** The count-sketch width for an engine that only gives logits (a hidden state has its own width). */
export type RepresentOptions = { readonly sketchDim: number };

export type PromptRepresentation = {
  readonly vector: Float32Array;
  readonly kind: 'hidden_state_last' | 'logit_sketch';
  /** Prompt tokens prefilled (after left truncation), BOS included. */
  readonly tokenCount: number;
  readonly truncatedTokens: number;
  readonly prefillMs: number;
};

export type LocalGeneration = {
  readonly tokens: number[];
  readonly text: string;
  readonly hiddenState: Float32Array;
  readonly prefillMs: number;
  readonly decodeMs: number;
};

/**
 * What our own tools call in the same worker, never the widget: `riskgate represent` (the vectors
 * a new gate is trained on), the golden and parity checks, and the benchmarks.
 */
export interface ToolingWorkerApi {
  /**
   * Loads the local engine alone, no gate, thresholds or edge (the top rung that loads, as for
   * routing). For `riskgate represent`, which computes what a new gate for this model is trained on.
   */
  initEngine(config: WorkerConfig, onProgress?: (progress: LoadProgress) => void): Promise<EngineStatus>;
  /** One prefill of `messages` as a fresh conversation; the vector the gate would read from it. */
  represent(messages: readonly ChatMessage[], options: RepresentOptions): Promise<PromptRepresentation>;
  /** Greedy local generation with the hidden state (golden and parity checks, benchmarks). */
  generateLocal(messages: readonly ChatMessage[], maxTokens: number): Promise<LocalGeneration>;
  /** The loaded gate's score for a representation (after `init`). */
  gateScore(representation: Float32Array, costWeight: number): Promise<number>;
  /** The engine's prefill and forward counts: proof that an answer given here reused its prefill. */
  counters(): Promise<EngineCounters>;
}
