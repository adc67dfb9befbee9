/**
 * @module upstream/openai-http
 * Any OpenAI-compatible server as an upstream: always streams from it (SSE parsed by
 * eventsource-parser), aborts it when our client goes away, and reports 429 with its Retry-After.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { ChatCompletionChunk, OpenAiErrorBody } from '../../core/protocol/openai.js';
import type { Upstream, UpstreamRequest, UpstreamResult } from './upstream.js';
import { UpstreamError } from './upstream-error.js';

export type OpenAiHttpOptions = {
  readonly id: string;
  readonly baseUrl: string;
  readonly upstreamModel: string;
  readonly apiKey?: string | undefined;
  /** Abort when nothing arrives for this long (connect, first byte, or between chunks). */
  readonly idleTimeoutMs: number;
};

export function createOpenAiHttpUpstream(options: OpenAiHttpOptions): Upstream {
  const url = `${options.baseUrl.replace(/\/$/, '')}/chat/completions`;

  async function* generate(request: UpstreamRequest, signal: AbortSignal): AsyncGenerator<string, UpstreamResult> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { timedOut = true; controller.abort(); }, options.idleTimeoutMs);
    };
    const failure = (cause: unknown): UpstreamError => signal.aborted
      ? new UpstreamError('aborted', 'client went away', { cause })
      : timedOut ? new UpstreamError('timeout', `${options.id}: no data for ${options.idleTimeoutMs} ms`, { cause })
        : cause instanceof UpstreamError ? cause
          : new UpstreamError(responded ? 'cut' : 'refused', `${options.id}: ${responded ? 'stream broke' : 'connection failed'}: ${String(cause)}`, { cause });
    arm();
    let started = false;
    let responded = false;
    try {
      const response = await fetch(url, {
        method: 'POST',
        signal: controller.signal,
        headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify({
          model: options.upstreamModel, messages: request.messages, max_tokens: request.maxTokens, temperature: request.temperature,
          seed: request.seed, stream: true, stream_options: { include_usage: true },
        }),
      });
      responded = true;
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as OpenAiErrorBody | null;
        const message = `${options.id} answered ${response.status}: ${body?.error?.message ?? response.statusText}`;
        if (response.status === 429) throw new UpstreamError('rate_limited', message, { status: 429, retryAfter: response.headers.get('retry-after') ?? undefined });
        throw new UpstreamError('http', message, { status: response.status });
      }
      const result = { finishReason: 'stop' as UpstreamResult['finishReason'], promptTokens: 0, completionTokens: 0 };
      let pieces = 0;
      const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
      for await (const event of events) {
        arm();
        if (event.data === '[DONE]') {
          return { ...result, completionTokens: result.completionTokens || pieces };
        }
        const data = JSON.parse(event.data) as Partial<ChatCompletionChunk> & Partial<OpenAiErrorBody>;
        if (data.error) throw new UpstreamError('cut', `${options.id} stream error: ${data.error.message}`);
        if (data.usage) {
          result.promptTokens = data.usage.prompt_tokens;
          result.completionTokens = data.usage.completion_tokens;
        }
        const choice = data.choices?.[0];
        if (choice?.finish_reason === 'length') result.finishReason = 'length';
        if (choice?.delta.content) {
          if (signal.aborted) throw new UpstreamError('aborted', 'client went away');
          // Enforce max tokens ourselves too: an upstream that ignores it must not overrun.
          if (pieces >= request.maxTokens) return { ...result, finishReason: 'length', completionTokens: pieces };
          started = true;
          pieces++;
          yield choice.delta.content;
        }
      }
      throw new UpstreamError('cut', `${options.id} stream ended without [DONE]${started ? ' mid-answer' : ''}`);
    } catch (error) {
      throw failure(error);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      controller.abort(); // ends the upstream request when we stop early (client gone, max tokens)
    }
  }

  return { id: options.id, model: options.id, kind: 'openai', generate };
}
