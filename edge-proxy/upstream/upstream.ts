/**
 * @module upstream/upstream
 * The `Upstream` seam (docs/architecture.md §5): something that generates a chat completion as a
 * stream of pieces: text, and (an upstream that supports `tools`) the pieces of tool calls as they
 * arrive. Implementations share `upstream.contract.ts`.
 */
import type { ChatMessage } from '../../core/protocol/chat.js';
import type { ToolCall, ToolCallDelta } from '../../core/protocol/openai.js';

/** Pieces of the model's tool calls, in OpenAI's delta shape (the first of each call has its id and name). */
export type ToolCallPiece = { readonly toolCalls: readonly ToolCallDelta[] };

/** What an upstream streams: answer text, or pieces of tool calls (decision 034). */
export type UpstreamPiece = string | ToolCallPiece;

export type UpstreamRequest = {
  readonly messages: readonly ChatMessage[];
  /**
   * The client's limits, passed on only when it set them: an unset one is the upstream's own
   * default (OpenAI: up to the context window; the embedded models: the rest of theirs; greedy).
   */
  readonly maxTokens?: number | undefined;
  readonly temperature?: number | undefined;
  readonly seed?: number | undefined;
  /** OpenAI parameters passed through unchanged (only to upstreams that declare them). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /**
   * The messages exactly as the client sent them, when they hold what `messages` cannot (tool
   * calls and tool results, image parts). Only upstreams that support `tools` (or `vision`) get such a request.
   */
  readonly openAiMessages?: readonly unknown[];
};

/** OpenAI parameters an upstream may honour beyond messages, max tokens, temperature and seed. */
export type UpstreamCapability =
  | 'top_p'
  | 'presence_penalty'
  | 'frequency_penalty'
  | 'response_format'
  | 'logit_bias'
  | 'tools'
  /** Reads `image_url` content parts (declared per model: `vision: true`). */
  | 'vision';

export type UpstreamResult = {
  readonly finishReason: 'stop' | 'length' | 'tool_calls';
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** The calls the model asks for, whole (also streamed as `ToolCallPiece`s while they were written). */
  readonly toolCalls?: readonly ToolCall[];
};

export interface Upstream {
  /** Stable id used in `x-router-served-by` and metrics. */
  readonly id: string;
  readonly kind: 'embedded' | 'gguf' | 'openai' | 'replay';
  /** The model name reported in responses (the model that actually served). */
  readonly model: string;
  /**
   * Streams the answer's pieces (text; tool-call pieces only where `tools` is supported) and returns usage.
   * @throws UpstreamError (refused, timeout, http, rate_limited, miss, cut, aborted)
   */
  generate(request: UpstreamRequest, signal: AbortSignal): AsyncGenerator<UpstreamPiece, UpstreamResult>;
  /** The parameters it honours (none when absent). */
  readonly supports?: ReadonlySet<UpstreamCapability>;
  /** Whether this upstream can answer these messages at all (replay: a recording exists). */
  knows?(messages: readonly ChatMessage[]): boolean;
  /** Releases what it holds (threads, sessions) when the server shuts down. */
  close?(): Promise<void>;
}
