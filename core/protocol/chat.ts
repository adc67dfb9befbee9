/**
 * @module protocol/chat
 * The chat vocabulary shared by the widget, the worker and the proxy (OpenAI message shape).
 */

export type ChatRole = 'system' | 'user' | 'assistant';
export type ChatMessage = { readonly role: ChatRole; readonly content: string };

/** Which side answered a prompt. */
export type RoutePath = 'local' | 'edge';
/** `auto` lets the gate decide; `local` and `edge` force a path (still reporting the score). */
export type RouteMode = 'auto' | 'local' | 'edge';

/**
 * The text the local model reads for a conversation: the last user message. stories260K has no
 * chat template, and the gate was trained on single prompts, so the representation must be
 * computed from the same text (docs/decisions/003-local-prompt-and-truncation.md).
 */
export function localPromptText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messages[i]!.content;
  return '';
}
