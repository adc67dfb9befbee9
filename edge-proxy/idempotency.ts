/**
 * @module idempotency
 * `Idempotency-Key` on `POST /v1/chat/completions` (the header Stripe and the IETF draft use):
 * the first request with a key is answered by an upstream and its finished answer is kept; a
 * repeat with the same key (per caller) gets that answer again, as a stream or as JSON, without
 * a second upstream call. A repeat while the first is still running gets 409 and Retry-After; a
 * repeat whose body differs (its fingerprint: a hash of everything but the stream shape) gets 422
 * `idempotency_key_reused`, never another prompt's answer (issue 24, S6). A
 * failed or cut answer is forgotten, so a retry really retries. This is what lets the widget's
 * offline outbox re-send a prompt whose response was lost and still get one answer (issue 16).
 * The store is an interface: in memory (bounded, TTL) for one process; instances that share load
 * need a shared implementation (as for limits.ts).
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { SSE_HEADERS } from './sse-response.js';
import type { ToolCall, ToolCallDelta } from '../core/protocol/openai.js';
import { createToolCallCollector } from './upstream/tool-call-collector.js';
import { sha256Hex } from './read-body.js';

export type StoredAnswer = {
  readonly id: string;
  readonly model: string;
  readonly content: string;
  readonly finishReason: string;
  /** The tool calls of the answer, when it asked for some. */
  readonly toolCalls?: readonly ToolCall[];
  readonly usage: {
    readonly prompt_tokens: number;
    readonly completion_tokens: number;
    readonly total_tokens: number;
  } | null;
  readonly headers: Record<string, string>;
  /** The fingerprint of the request body that produced it. */
  readonly fingerprint?: string;
};

export type IdempotencyState = 'new' | 'running' | 'mismatch' | StoredAnswer;

export interface IdempotencyStore {
  /**
   * 'new' reserves the key for this caller and body fingerprint; 'mismatch' when the key is held
   * (running or finished) for another body; else the finished answer, or 'running'.
   */
  begin(key: string, fingerprint: string): Promise<IdempotencyState>;
  finish(key: string, answer: StoredAnswer): Promise<void>;
  forget(key: string): Promise<void>;
}

/** Up to `maxEntries` keys for `ttlMs` each; the oldest go first. */
export function createMemoryIdempotencyStore({ maxEntries = 10_000, ttlMs = 24 * 3600_000 } = {}): IdempotencyStore {
  const entries = new Map<string, { at: number; fingerprint: string; answer: StoredAnswer | 'running' }>();
  const prune = (now: number) => {
    for (const [k, e] of entries) {
      if (entries.size <= maxEntries && now - e.at < ttlMs) break;
      entries.delete(k);
    }
  };
  return {
    async begin(key, fingerprint) {
      const now = Date.now();
      prune(now);
      const entry = entries.get(key);
      if (entry && now - entry.at < ttlMs) return entry.fingerprint === fingerprint ? entry.answer : 'mismatch';
      entries.set(key, { at: now, fingerprint, answer: 'running' });
      return 'new';
    },
    async finish(key, answer) {
      entries.delete(key);
      entries.set(key, { at: Date.now(), fingerprint: answer.fingerprint ?? '', answer });
    },
    async forget(key) {
      entries.delete(key);
    },
  };
}

/** What identifies a request's content for its key: the body without the shape it is answered in. */
export async function requestFingerprint(body: object): Promise<string> {
  const { stream: _stream, stream_options: _options, ...content } = body as Record<string, unknown>;
  return sha256Hex(JSON.stringify(content));
}

/** A key a client may choose: printable, no spaces, 8–128 characters (UUIDs, ULIDs, request ids). */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

const KEPT_HEADERS = ['x-router-served-by', 'x-router-decision', 'x-router-quality-source'];

/** Reads a copy of the answer as it goes to the client and keeps it once it finished cleanly. */
export function remember(
  response: Response,
  stream: boolean,
  keep: (answer: StoredAnswer | null) => Promise<void>,
): Response {
  if (!response.ok || !response.body) {
    void keep(null);
    return response;
  }
  const headers = Object.fromEntries(
    KEPT_HEADERS.flatMap((h) => (response.headers.get(h) ? [[h, response.headers.get(h)!]] : [])),
  );
  const [toClient, copy] = response.body.tee();
  void (stream ? readStream(copy, headers) : readJson(copy, headers)).then(keep, () => keep(null));
  return new Response(toClient, { status: response.status, headers: response.headers });
}

async function readJson(
  body: ReadableStream<Uint8Array>,
  headers: Record<string, string>,
): Promise<StoredAnswer | null> {
  const json = (await new Response(body).json()) as {
    id: string;
    model: string;
    choices: { message: { content: string | null; tool_calls?: ToolCall[] }; finish_reason: string }[];
    usage: StoredAnswer['usage'];
  };
  const choice = json.choices[0];
  return choice
    ? {
        id: json.id,
        model: json.model,
        content: choice.message.content ?? '',
        finishReason: choice.finish_reason,
        ...(choice.message.tool_calls ? { toolCalls: choice.message.tool_calls } : {}),
        usage: json.usage ?? null,
        headers,
      }
    : null;
}

async function readStream(
  body: ReadableStream<Uint8Array>,
  headers: Record<string, string>,
): Promise<StoredAnswer | null> {
  let id = '';
  let model = '';
  let content = '';
  let finishReason = 'stop';
  let usage: StoredAnswer['usage'] = null;
  let toolCalls: ToolCall[] | undefined;
  const collector = createToolCallCollector();
  for await (const event of body
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream())) {
    if (event.data === '[DONE]')
      return { id, model, content, finishReason, ...(toolCalls ? { toolCalls } : {}), usage, headers };
    const chunk = JSON.parse(event.data) as {
      error?: unknown;
      id?: string;
      model?: string;
      usage?: StoredAnswer['usage'];
      choices?: {
        delta?: { content?: string; tool_calls?: ToolCallDelta[] };
        finish_reason?: string | null;
      }[];
    };
    if (chunk.error) return null; // a failure mid-stream is not an answer to keep
    id ||= chunk.id ?? '';
    model ||= chunk.model ?? '';
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (choice?.delta?.content) content += choice.delta.content;
    // Tool calls arrive in pieces (respond-stream.ts): joined by index, as a client joins them.
    if (choice?.delta?.tool_calls) {
      collector.add(choice.delta.tool_calls);
      toolCalls = collector.calls();
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
  }
  return null; // cut before [DONE]
}

/** The kept answer again, in the shape the repeat asked for. */
export function replay(answer: StoredAnswer, stream: boolean, requestId: string): Response {
  const headers = { ...answer.headers, 'x-request-id': requestId, 'idempotent-replayed': 'true' };
  const created = Math.floor(Date.now() / 1000);
  if (!stream) {
    return Response.json(
      {
        id: answer.id,
        object: 'chat.completion',
        created,
        model: answer.model,
        choices: [
          {
            index: 0,
            message: answer.toolCalls
              ? { role: 'assistant', content: answer.content || null, tool_calls: answer.toolCalls }
              : { role: 'assistant', content: answer.content },
            finish_reason: answer.finishReason,
          },
        ],
        usage: answer.usage,
      },
      { headers },
    );
  }
  const chunk = (delta: object, finish: string | null) => ({
    id: answer.id,
    object: 'chat.completion.chunk',
    created,
    model: answer.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const calls = answer.toolCalls
    ? [chunk({ tool_calls: answer.toolCalls.map((call, index) => ({ index, ...call })) }, null)]
    : [];
  const events = [
    chunk({ role: 'assistant', content: answer.content }, null),
    ...calls,
    chunk({}, answer.finishReason),
    ...(answer.usage
      ? [
          {
            id: answer.id,
            object: 'chat.completion.chunk',
            created,
            model: answer.model,
            choices: [],
            usage: answer.usage,
          },
        ]
      : []),
  ];
  const text = `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')}data: [DONE]\n\n`;
  return new Response(text, { headers: { ...SSE_HEADERS, ...headers } });
}
