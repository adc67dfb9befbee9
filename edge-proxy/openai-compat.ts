/**
 * @module openai-compat
 * The chat-completions API's message shapes and parameters, read honestly. Every message shape
 * is accepted (content parts, `developer`, `tool`, assistant `tool_calls` with null content), then
 * either mapped onto what the upstreams run (`developer` → `system`, text parts joined) or refused
 * with 400 `unsupported_parameter` naming what no edge model here can do. Parameters an upstream
 * must honour (`top_p`, penalties, `response_format`, `logit_bias`) go only to upstreams that
 * declare them; so do `tools`, `tool_choice`, `parallel_tool_calls` and a conversation that holds
 * tool calls or tool results, and image parts to upstreams that declare `vision` (those messages
 * then go to the upstream exactly as sent; the selector reads their text parts). `user`
 * goes to upstreams that take it (it changes no answer). `stop` is applied by the proxy itself,
 * so every upstream honours it. `n > 1` and `logprobs` are refused: one choice, no log
 * probabilities (decision 018). Never a 200 that silently ignored part of the request.
 */
import type { ChatMessage } from '../core/protocol/chat.js';
import type { ChatRequest } from './request-schema.js';
import type { UpstreamCapability } from './upstream/upstream.js';

export type Unsupported = { readonly param: string; readonly message: string };

export type ReadRequest = {
  readonly messages: ChatMessage[];
  /** Parameters passed through to the upstream unchanged; each needs the capability of the same name. */
  readonly extra: Readonly<Record<string, unknown>>;
  readonly needs: readonly UpstreamCapability[];
  readonly stop: readonly string[];
  /** The messages as sent, when they hold tool calls or results (see UpstreamRequest). */
  readonly openAiMessages?: readonly unknown[];
  /** Where the first image part is (`messages[i].content`), named when no upstream reads images. */
  readonly imagesAt?: string;
};

type Part = { type: string; text?: string };

/** Parameters that change nothing at these values are fine anywhere (a client library's defaults). */
const neutral = (name: string, value: unknown): boolean =>
  value === undefined ||
  value === null ||
  (name === 'top_p' && value === 1) ||
  ((name === 'presence_penalty' || name === 'frequency_penalty') && value === 0) ||
  (name === 'response_format' && (value as { type?: string }).type === 'text') ||
  (name === 'logit_bias' && Object.keys(value as object).length === 0);

const PASS_THROUGH: readonly UpstreamCapability[] = [
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'logit_bias',
];

/** Every parameter this file reads, maps or passes on; anything else is refused by name. */
const READ = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'seed',
  'router',
  'n',
  'logprobs',
  'top_logprobs',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'user',
  'stop',
  ...PASS_THROUGH,
]);
/** Parameters that ask nothing of the answer at these values (what client libraries send by default). */
const HARMLESS: Record<string, (value: unknown) => boolean> = {
  store: (v) => v === false,
  service_tier: (v) => v === 'auto' || v === 'default',
  // Kept by OpenAI only with store: true (which is refused), so it asks nothing of the answer.
  metadata: () => true,
};

export function readChatRequest(body: ChatRequest): ReadRequest | Unsupported {
  const raw = body as ChatRequest & Record<string, unknown>;
  // reasoning_effort, prediction, modalities, audio, web_search_options, verbosity, store: true,
  // prompt_cache_key, safety_identifier, sampler extras (top_k, min_p, …): no edge model here
  // is declared to honour them, so a 200 would have ignored them.
  const unread = Object.keys(raw).find(
    (k) => !READ.has(k) && raw[k] !== undefined && raw[k] !== null && !HARMLESS[k]?.(raw[k]),
  );
  if (unread) return { param: unread, message: `${unread}: no edge model here is declared to honour it` };
  if (typeof raw.n === 'number' && raw.n > 1)
    return { param: 'n', message: 'n > 1: this proxy returns one choice per request' };
  if (raw.logprobs === true || raw.top_logprobs !== undefined)
    return { param: 'logprobs', message: 'logprobs: no edge model here reports them' };
  const usesTools =
    (Array.isArray(raw.tools) && raw.tools.length > 0) ||
    (raw.tool_choice !== undefined && raw.tool_choice !== null && raw.tool_choice !== 'none');
  let toolConversation = false;
  let imagesAt: string | undefined;
  const messages: ChatMessage[] = [];
  for (const [i, m] of body.messages.entries()) {
    const message = m as { role: string; content?: string | Part[] | null; tool_calls?: unknown[] };
    if (message.role === 'tool' || (message.tool_calls && message.tool_calls.length > 0)) toolConversation = true;
    let content = '';
    if (typeof message.content === 'string') content = message.content;
    else if (Array.isArray(message.content)) {
      const other = message.content.find((p) => p.type !== 'text' && p.type !== 'image_url');
      if (other)
        return { param: `messages[${i}].content`, message: `${other.type} parts: no edge model here reads them` };
      if (message.content.some((p) => p.type === 'image_url')) imagesAt ??= `messages[${i}].content`;
      content = message.content.flatMap((p) => (p.type === 'text' ? [p.text ?? ''] : [])).join('\n');
    }
    // What the selector and the limits read: a tool result counts as input, like a user turn.
    const role =
      message.role === 'developer'
        ? 'system'
        : message.role === 'tool'
          ? 'user'
          : (message.role as ChatMessage['role']);
    messages.push({ role, content: content || (message.tool_calls ? JSON.stringify(message.tool_calls) : '') });
  }
  const extra: Record<string, unknown> = {};
  const needs: UpstreamCapability[] = [];
  if (usesTools || toolConversation) {
    needs.push('tools');
    for (const name of ['tools', 'tool_choice', 'parallel_tool_calls'] as const)
      if (raw[name] !== undefined && raw[name] !== null) extra[name] = raw[name];
  }
  if (imagesAt) needs.push('vision');
  if (typeof raw.user === 'string') extra.user = raw.user;
  for (const name of PASS_THROUGH) {
    if (neutral(name, raw[name])) continue;
    extra[name] = raw[name];
    needs.push(name);
  }
  const stop =
    raw.stop === undefined || raw.stop === null
      ? []
      : (Array.isArray(raw.stop) ? raw.stop : [raw.stop]).filter((s): s is string => typeof s === 'string' && s !== '');
  const asSent = toolConversation || imagesAt !== undefined;
  return {
    messages,
    extra,
    needs,
    stop,
    ...(asSent ? { openAiMessages: body.messages } : {}),
    ...(imagesAt ? { imagesAt } : {}),
  };
}

/** Whether an upstream can honour what the request needs (and which need it cannot). */
export function firstUnmet(
  needs: readonly UpstreamCapability[],
  supports: ReadonlySet<UpstreamCapability> | undefined,
): UpstreamCapability | undefined {
  return needs.find((n) => !supports?.has(n));
}
