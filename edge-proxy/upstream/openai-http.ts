/**
 * @module upstream/openai-http
 * Any OpenAI-compatible server as an upstream: always streams from it (SSE parsed by
 * eventsource-parser), aborts it when our client goes away, and reports 429 with its Retry-After.
 */
import { createParser } from 'eventsource-parser';
import type { ChatCompletionChunk, OpenAiErrorBody, ToolCallDelta } from '../../core/protocol/openai.js';
import type { Upstream, UpstreamPiece, UpstreamRequest, UpstreamResult } from './upstream.js';
import { RouterError } from '../../core/errors.js';
import { UpstreamError } from './upstream-error.js';
import { fetchTransport, type HttpTransport, type TransportResponse } from './http-transport.js';
import { createToolCallCollector } from './tool-call-collector.js';

export type OpenAiHttpOptions = {
  readonly id: string;
  readonly baseUrl: string;
  readonly upstreamModel: string;
  readonly apiKey?: string | undefined;
  /** Abort when nothing arrives for this long (connect, first byte, or between chunks). */
  readonly idleTimeoutMs: number;
  /** An SSE event larger than this is refused (a hostile or broken upstream must not fill memory). @default 1 MiB */
  readonly maxEventBytes?: number;
  /** How the request is sent. @default fetchTransport (any runtime); the Node server passes undiciTransport */
  readonly transport?: HttpTransport;
  /** The model reads image parts (config `vision: true`): only a vision model may be sent them. */
  readonly vision?: boolean;
};

function parseErrorBody(text: string): OpenAiErrorBody | null {
  try {
    return JSON.parse(text) as OpenAiErrorBody;
  } catch {
    return null;
  }
}

/** Reads what follows [DONE] (normally nothing) up to a bound; false when the upstream keeps going. */
async function drained(body: TransportResponse['body'], limit = 65_536): Promise<boolean> {
  for (let bytes = 0; bytes <= limit; ) {
    const chunk = await body.next();
    if (chunk.done) return true;
    bytes += chunk.value.byteLength;
  }
  return false;
}

export function createOpenAiHttpUpstream(options: OpenAiHttpOptions): Upstream {
  const url = `${options.baseUrl.replace(/\/$/, '')}/chat/completions`;
  const headers = {
    'content-type': 'application/json',
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  };

  async function* generate(
    request: UpstreamRequest,
    signal: AbortSignal,
  ): AsyncGenerator<UpstreamPiece, UpstreamResult> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const arm = () => {
      // Node's timers can be refreshed, cheaper than a new one per chunk; other runtimes give ids.
      if (timer !== undefined && typeof timer === 'object' && 'refresh' in timer) timer.refresh();
      else {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.idleTimeoutMs);
      }
    };
    const failure = (cause: unknown): UpstreamError =>
      signal.aborted
        ? new UpstreamError('aborted', 'client went away', { cause })
        : timedOut
          ? new UpstreamError('timeout', `${options.id}: no data for ${options.idleTimeoutMs} ms`, { cause })
          : cause instanceof UpstreamError
            ? cause
            : new UpstreamError(
                responded ? 'cut' : 'refused',
                `${options.id}: ${responded ? 'stream broke' : 'connection failed'}: ${String(cause)}`,
                { cause },
              );
    // Encoded before anything is sent: a body that cannot be written is the request's fault, not
    // this upstream's (a RouterError, which the breaker and the failover ladder do not count).
    let payload: string;
    try {
      payload = JSON.stringify({
        model: options.upstreamModel,
        messages: request.openAiMessages ?? request.messages,
        max_tokens: request.maxTokens,
        temperature: request.temperature,
        seed: request.seed,
        ...request.extra,
        stream: true,
        stream_options: { include_usage: true },
      });
    } catch (cause) {
      throw new RouterError('invalid_request', 'the request cannot be encoded as JSON for the upstream', { cause });
    }
    arm();
    let started = false;
    let responded = false;
    let finished = false;
    try {
      const response = await (options.transport ?? fetchTransport).post(url, headers, payload, controller.signal);
      responded = true;
      if (response.status < 200 || response.status >= 300) {
        const body = parseErrorBody((await response.text().catch(() => '')).slice(0, 65_536));
        const message = `${options.id} answered ${response.status}: ${body?.error?.message ?? 'no error message'}`;
        if (response.status === 429)
          throw new UpstreamError('rate_limited', message, {
            status: 429,
            retryAfter: response.header('retry-after') ?? undefined,
          });
        throw new UpstreamError('http', message, {
          status: response.status,
          ...(body?.error?.message ? { detail: body.error.message } : {}),
        });
      }
      const result = { finishReason: 'stop' as UpstreamResult['finishReason'], promptTokens: 0, completionTokens: 0 };
      const toolCalls = createToolCallCollector();
      let pieces = 0;
      // A reader loop feeding eventsource-parser directly: two TransformStreams per request
      // (TextDecoderStream, EventSourceParserStream) cost more CPU than the proxy's own work.
      const pending: string[] = [];
      let eventBytes = 0;
      const maxEventBytes = options.maxEventBytes ?? 1_048_576;
      const parser = createParser({
        onEvent: (event) => {
          pending.push(event.data);
          eventBytes = 0;
        },
      });
      const decoder = new TextDecoder();
      for (;;) {
        const chunk = await response.body.next();
        if (chunk.done) break;
        arm();
        eventBytes += chunk.value.byteLength;
        if (eventBytes > maxEventBytes)
          throw new UpstreamError('cut', `${options.id} sent an event over ${maxEventBytes} bytes`);
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        // The content of every event in this network read goes on as one piece: what arrived
        // together is sent on together (one write to the client, one step of the generator),
        // while tokens that arrive apart still go on apart. `pieces` still counts the deltas.
        // Tool-call deltas of one read go on as one piece too, in the order they came.
        let text = '';
        let calls: ToolCallDelta[] = [];
        for (let data = pending.shift(); data !== undefined; data = pending.shift()) {
          if (data === '[DONE]') {
            if (text) yield text;
            if (calls.length > 0) yield { toolCalls: calls };
            // Reading the body to its end lets the connection go back to the pool; an abort would close it.
            finished = await drained(response.body);
            const whole = toolCalls.calls();
            return {
              ...result,
              completionTokens: result.completionTokens || pieces,
              ...(whole.length > 0 ? { toolCalls: whole, finishReason: 'tool_calls' as const } : {}),
            };
          }
          const parsed = JSON.parse(data) as Partial<ChatCompletionChunk> & Partial<OpenAiErrorBody>;
          if (parsed.error) throw new UpstreamError('cut', `${options.id} stream error: ${parsed.error.message}`);
          if (parsed.usage) {
            result.promptTokens = parsed.usage.prompt_tokens;
            result.completionTokens = parsed.usage.completion_tokens;
          }
          const choice = parsed.choices?.[0];
          if (choice?.finish_reason === 'length') result.finishReason = 'length';
          if (choice?.delta.tool_calls?.length) {
            if (text) yield text;
            text = '';
            started = true;
            pieces++;
            calls.push(...toolCalls.add(choice.delta.tool_calls));
          }
          if (choice?.delta.content) {
            if (calls.length > 0) yield { toolCalls: calls };
            calls = [];
            if (signal.aborted) throw new UpstreamError('aborted', 'client went away');
            // Enforce max tokens ourselves too: an upstream that ignores it must not overrun.
            if (request.maxTokens !== undefined && pieces >= request.maxTokens) {
              if (text) yield text;
              return { ...result, finishReason: 'length', completionTokens: pieces };
            }
            started = true;
            pieces++;
            text += choice.delta.content;
          }
        }
        if (text) yield text;
        if (calls.length > 0) yield { toolCalls: calls };
      }
      throw new UpstreamError('cut', `${options.id} stream ended without [DONE]${started ? ' mid-answer' : ''}`);
    } catch (error) {
      throw failure(error);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Ends the upstream request when we stop early (client gone, max tokens, an error). Not after
      // [DONE]: the response is complete, and an abort costs a DOMException per request.
      if (!finished) controller.abort();
    }
  }

  // An OpenAI-compatible server takes these as they are (vLLM, llama.cpp server, Ollama, hosted APIs).
  return {
    id: options.id,
    model: options.id,
    kind: 'openai',
    generate,
    supports: new Set([
      'top_p',
      'presence_penalty',
      'frequency_penalty',
      'response_format',
      'logit_bias',
      'tools',
      ...(options.vision ? (['vision'] as const) : []),
    ] as const),
  };
}
