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
