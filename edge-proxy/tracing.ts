/**
 * @module tracing
 * OpenTelemetry traces in the GenAI semantic conventions (gen_ai.* attributes): one server span per
 * chat request, `chat {requested model}`, and under it one client span per upstream attempt,
 * `chat {upstream model}`, so a failed-over request shows every rung it tried, why each failed
 * (`error.type`) and what the one that answered used. Only @opentelemetry/api here. Off by
 * default: until `startTracing` (tracing-export.ts) turns it on, no span is even created, so a
 * request pays nothing for it.
 */
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Served } from './failover.js';
import type { ChatRequest } from './request-schema.js';
import type { Candidate } from './selector.js';
import { UpstreamError } from './upstream/upstream-error.js';

const tracer = () => trace.getTracer('riskgate-edge-proxy');

/** OTel's `gen_ai.provider.name` for each kind of upstream (ours where the convention has none). */
const PROVIDER: Record<Candidate['upstream']['kind'], string> = {
  openai: 'openai',
  gguf: 'llama.cpp',
  embedded: 'riskgate.embedded',
  replay: 'riskgate.replay',
};

/** The request's span, its context for the attempts under it, and the model that answered, once one has. */
let tracing = false;

/** Spans are made only while a provider takes them (tracing-export.ts; a test's in-memory one). */
export function setTracing(on: boolean): void {
  tracing = on;
}

export type ChatSpan = { readonly span: Span; readonly context: Context; servedModel?: string };

export function startChatSpan(body: ChatRequest, requestId: string): ChatSpan | undefined {
  if (!tracing) return undefined;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  const span = tracer().startSpan(`chat ${body.model ?? 'auto'}`, {
    kind: SpanKind.SERVER,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': body.model ?? 'auto',
      ...(maxTokens ? { 'gen_ai.request.max_tokens': maxTokens } : {}),
      ...(typeof body.temperature === 'number' ? { 'gen_ai.request.temperature': body.temperature } : {}),
      ...(typeof body.seed === 'number' ? { 'gen_ai.request.seed': body.seed } : {}),
      'riskgate.request_id': requestId,
      'riskgate.streamed': body.stream === true,
    },
  });
  return { span, context: trace.setSpan(context.active(), span) };
}

/** One attempt at one upstream, as a client span under the request's. */
export async function tracedAttempt(
  parent: ChatSpan | undefined,
  candidate: Candidate,
  run: () => Promise<Served>,
): Promise<Served> {
  if (!parent) return run();
  const { upstream } = candidate;
  const span = tracer().startSpan(
    `chat ${upstream.model}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': PROVIDER[upstream.kind],
        'gen_ai.request.model': upstream.model,
        'riskgate.upstream': upstream.id,
      },
    },
    parent.context,
  );
  try {
    const served = await run();
    span.setAttributes({
      'gen_ai.response.model': upstream.model,
      'gen_ai.response.finish_reasons': [served.result.finishReason],
      'gen_ai.usage.input_tokens': served.result.promptTokens,
      'gen_ai.usage.output_tokens': served.result.completionTokens,
      'riskgate.ttft_ms': Math.round(served.ttftMs),
    });
    parent.servedModel = upstream.model;
    return served;
  } catch (error) {
    const type = error instanceof UpstreamError ? error.failure : error instanceof Error ? error.name : 'error';
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** The request's span ends with the answer (a stream: once its last event is written); no model served: an error. */
export function endChatSpan(chat: ChatSpan | undefined): void {
  if (!chat) return;
  if (chat.servedModel) chat.span.setAttribute('gen_ai.response.model', chat.servedModel);
  else {
    chat.span.setAttribute('error.type', 'no_upstream_answered');
    chat.span.setStatus({ code: SpanStatusCode.ERROR });
  }
  chat.span.end();
}
