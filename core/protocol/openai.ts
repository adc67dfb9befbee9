/**
 * @module protocol/openai
 * OpenAI chat-completions wire shapes (CONVENTIONS.md §4.1) used by the proxy and the worker.
 */
import type { ChatMessage } from './chat.js';

export type Usage = { readonly prompt_tokens: number; readonly completion_tokens: number; readonly total_tokens: number };

export type ChatCompletionChunk = {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly { readonly index: number; readonly delta: { role?: 'assistant'; content?: string }; readonly finish_reason: string | null }[];
  readonly usage?: Usage | null;
};

export type ChatCompletion = {
  readonly id: string;
  readonly object: 'chat.completion';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly { readonly index: number; readonly message: ChatMessage; readonly finish_reason: string }[];
  readonly usage: Usage;
};

export type OpenAiErrorBody = { readonly error: { readonly message: string; readonly type: string; readonly code: string; readonly param: string | null } };
