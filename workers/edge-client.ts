/**
 * @module edge-client
 * Streams a deferred prompt from the edge proxy (OpenAI chat-completions SSE, parsed by
 * eventsource-parser). Yields content pieces; returns the served model, finish reason and usage.
 * Every failure becomes a RouterError with a stable code: `edge_unreachable` (no connection),
 * `edge_error` (an HTTP error answer), `edge_stream_error` (an error event mid-stream).
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { RouterError } from '../core/errors.js';
import type { ChatMessage } from '../core/protocol/chat.js';
import type { ChatCompletionChunk, OpenAiErrorBody } from '../core/protocol/openai.js';

export type EdgeRequest = {
  readonly endpoint: string;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  readonly temperature?: number;
  readonly seed?: number;
  /** Sent as `Idempotency-Key` and `x-request-id`: a retry with the same key gets the proxy's kept answer. */
  readonly idempotencyKey?: string;
  /** `Bearer …` for a proxy with auth on (a widget token the page got from its site's backend). */
  readonly authorization?: string;
  readonly router: { readonly cost_weight: number; readonly risk_level: number; readonly score?: number; readonly threshold: number | null; readonly representation?: string; readonly representation_model?: string };
};

export type EdgeResult = { readonly model: string; readonly finishReason: string; readonly promptTokens: number; readonly completionTokens: number };

export async function* streamFromEdge(request: EdgeRequest, signal?: AbortSignal): AsyncGenerator<string, EdgeResult> {
  const url = new URL('v1/chat/completions', request.endpoint.endsWith('/') ? request.endpoint : `${request.endpoint}/`).href;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(request.authorization ? { authorization: request.authorization } : {}), ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey, 'x-request-id': request.idempotencyKey } : {}) },
      body: JSON.stringify({
        model: 'auto', messages: request.messages, max_tokens: request.maxTokens, stream: true,
        stream_options: { include_usage: true }, temperature: request.temperature, seed: request.seed, router: request.router,
      }),
      ...(signal ? { signal } : {}),
    });
  } catch (cause) {
    throw new RouterError('edge_unreachable', `edge proxy at ${request.endpoint} is unreachable (${String(cause)})`, { cause });
  }
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => null)) as OpenAiErrorBody | null;
    // 5xx (no upstream could answer), 409 (this key is still being answered), 429: later may work.
    const retryLater = response.status >= 500 || response.status === 409 || response.status === 429;
    throw new RouterError('edge_error', `edge proxy answered ${response.status}: ${body?.error?.message ?? response.statusText}`, { retryLater, httpStatus: response.status });
  }
  const result = { model: '', finishReason: 'stop', promptTokens: 0, completionTokens: 0 };
  const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const event of events) {
    if (event.data === '[DONE]') return result;
    const data = JSON.parse(event.data) as Partial<ChatCompletionChunk> & Partial<OpenAiErrorBody>;
    if (data.error) throw new RouterError('edge_stream_error', `edge stream failed: ${data.error.message}`, { retryLater: true });
    if (data.model) result.model = data.model;
    if (data.usage) {
      result.promptTokens = data.usage.prompt_tokens;
      result.completionTokens = data.usage.completion_tokens;
    }
    const choice = data.choices?.[0];
    if (choice?.finish_reason) result.finishReason = choice.finish_reason;
    if (choice?.delta.content) yield choice.delta.content;
  }
  throw new RouterError('edge_stream_error', 'edge stream ended without [DONE]', { retryLater: true });
}
