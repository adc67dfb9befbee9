/**
 * @module protocol/openai
 * OpenAI chat-completions wire shapes (CONVENTIONS.md §4.1) used by the proxy and the worker.
 */
import type { ChatMessage } from './chat.js';

/** A function call the model asks the client to make (OpenAI `tool_calls`). */
export type ToolCall = {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
};

/**
 * One piece of a streamed tool call (OpenAI's `delta.tool_calls[]`): the call's first piece carries
 * its `id`, `type` and name, later ones more of its JSON `arguments`; `index` says which call.
 */
export type ToolCallDelta = {
  readonly index: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function?: { readonly name?: string; readonly arguments?: string };
};

export type Usage = {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
};

export type ChatCompletionChunk = {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly {
    readonly index: number;
    readonly delta: {
      role?: 'assistant';
      content?: string | null;
      tool_calls?: readonly ToolCallDelta[];
    };
    readonly finish_reason: string | null;
  }[];
  readonly usage?: Usage | null;
};

export type ChatCompletion = {
  readonly id: string;
  readonly object: 'chat.completion';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly {
    readonly index: number;
    readonly message:
      | ChatMessage
      | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls: readonly ToolCall[] };
    readonly finish_reason: string;
  }[];
  readonly usage: Usage;
};

export type OpenAiErrorBody = {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly code: string;
    readonly param: string | null;
  };
};
