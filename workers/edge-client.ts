/**
 * @module edge-client
 * Streams a deferred prompt from the edge proxy (OpenAI chat-completions SSE, parsed by
 * eventsource-parser). Yields content pieces; returns the served model, finish reason and usage.
 * Every failure becomes a RouterError with a stable code: `edge_unreachable` (no connection),
 * `edge_cors_refused` (the proxy is up but refuses this page's origin), `edge_error` (an HTTP error
 * answer, with its status), `edge_stream_error` (an error event mid-stream).
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
  readonly router: {
    readonly cost_weight: number;
    readonly risk_level: number;
    readonly score?: number;
    readonly threshold: number | null;
    readonly representation?: string;
    readonly representation_model?: string;
  };
};

export type EdgeResult = {
  readonly model: string;
  readonly finishReason: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
};

async function reachableWithoutCors(endpoint: string): Promise<boolean> {
  try {
    await fetch(new URL('health', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).href, {
      mode: 'no-cors',
      signal: AbortSignal.timeout(3_000),
    });
    return true;
  } catch {
    return false;
  }
}

/** POSTs JSON to the proxy; every failure is a RouterError with the codes above. */
async function postToEdge(
  endpoint: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<Response> {
  const url = new URL(path, endpoint.endsWith('/') ? endpoint : `${endpoint}/`).href;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  } catch (cause) {
    if (signal?.aborted) throw new RouterError('aborted', 'stopped', { cause });
    // fetch says the same TypeError for "no network" and "the proxy refused this origin (CORS)". An
    // opaque no-cors probe of /health tells them apart: it succeeds only if the proxy is reachable.
    if (await reachableWithoutCors(endpoint)) {
      throw new RouterError(
        'edge_cors_refused',
        `the edge proxy at ${endpoint} refused this page's origin (${globalThis.location?.origin ?? 'unknown'}): add it to the proxy's cors_origins`,
        { cause },
      );
    }
    throw new RouterError('edge_unreachable', `edge proxy at ${endpoint} is unreachable (${String(cause)})`, { cause });
  }
  if (!response.ok || !response.body) {
    const error = (await response.json().catch(() => null)) as OpenAiErrorBody | null;
    // 5xx (no upstream could answer), 409 (this key is still being answered), 429: later may work.
    const retryLater = response.status >= 500 || response.status === 409 || response.status === 429;
    throw new RouterError(
      'edge_error',
      `edge proxy answered ${response.status}: ${error?.error?.message ?? response.statusText}`,
      { retryLater, httpStatus: response.status },
    );
  }
  return response;
}

export async function* streamFromEdge(request: EdgeRequest, signal?: AbortSignal): AsyncGenerator<string, EdgeResult> {
  const response = await postToEdge(
    request.endpoint,
    'v1/chat/completions',
    {
      model: 'auto',
      messages: request.messages,
      max_tokens: request.maxTokens,
      stream: true,
      stream_options: { include_usage: true },
      temperature: request.temperature,
      seed: request.seed,
      router: request.router,
    },
    {
      ...(request.authorization ? { authorization: request.authorization } : {}),
      ...(request.idempotencyKey
        ? { 'idempotency-key': request.idempotencyKey, 'x-request-id': request.idempotencyKey }
        : {}),
    },
    signal,
  );
  const result = { model: '', finishReason: 'stop', promptTokens: 0, completionTokens: 0 };
  const events = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const event of events) {
    if (event.data === '[DONE]') return result;
    const data = JSON.parse(event.data) as Partial<ChatCompletionChunk> & Partial<OpenAiErrorBody>;
    if (data.error)
      throw new RouterError('edge_stream_error', `edge stream failed: ${data.error.message}`, { retryLater: true });
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

/** The proxy's judgement of an answer given here (POST /v1/riskgate/shadow, decision 024). */
export type ShadowJudgement = {
  readonly verdict: 'edge_better' | 'not_worse' | 'undecided';
  readonly votes: readonly string[];
  readonly judge_model: string;
  readonly edge: { readonly model: string; readonly content: string };
};

export async function judgeAgainstEdge(
  request: {
    readonly endpoint: string;
    readonly messages: readonly ChatMessage[];
    readonly localAnswer: string;
    readonly maxTokens: number;
    readonly authorization?: string;
    readonly router: EdgeRequest['router'];
  },
  signal?: AbortSignal,
): Promise<ShadowJudgement> {
  const response = await postToEdge(
    request.endpoint,
    'v1/riskgate/shadow',
    {
      messages: request.messages,
      local_answer: request.localAnswer,
      max_tokens: request.maxTokens,
      router: request.router,
    },
    request.authorization ? { authorization: request.authorization } : {},
    signal,
  );
  const judgement = (await response.json().catch(() => null)) as ShadowJudgement | null;
  if (!judgement || !['edge_better', 'not_worse', 'undecided'].includes(judgement.verdict))
    throw new RouterError('edge_error', "the edge proxy's shadow check answered without a verdict");
  return judgement;
}
