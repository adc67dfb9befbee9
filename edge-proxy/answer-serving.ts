/**
 * @module answer-serving
 * Everything one answer needs once its ladder is chosen, shared by the two ways to respond
 * (`respond-whole.ts` for JSON, `respond-stream.ts` for SSE).
 */
import type { ToolCall, Usage } from '../core/protocol/openai.js';
import type { AnswerAccount } from './answer-accounting.js';
import type { AnswerLifetime } from './answer-lifetime.js';
import type { ProxyConfig } from './config.js';
import type { FailoverEvents, FailoverOptions } from './failover.js';
import type { ProxyLogger } from './log.js';
import type { Metrics } from './metrics.js';
import type { Candidate, EdgeSelector } from './selector.js';
import type { UpstreamRequest } from './upstream/upstream.js';
import { UpstreamError } from './upstream/upstream-error.js';

export type AnswerServing = {
  readonly config: ProxyConfig;
  readonly log: ProxyLogger;
  readonly metrics: Metrics;
  readonly ladder: readonly Candidate[];
  readonly request: UpstreamRequest;
  readonly requestId: string;
  /** `chatcmpl-…` and the Unix second the answer began, as OpenAI's bodies carry them. */
  readonly completionId: string;
  readonly created: number;
  /** Response headers; `x-router-served-by` is added once an upstream answers. */
  readonly headers: Record<string, string>;
  readonly lifetime: AnswerLifetime;
  readonly account: AnswerAccount;
  readonly failover: FailoverOptions;
  readonly onAttemptFailed: NonNullable<FailoverEvents['onAttemptFailed']>;
};

/** The assistant message: its text, or (OpenAI's shape for a tool call) null content and the calls. */
export const messageOf = (text: string, toolCalls: readonly ToolCall[] | undefined) =>
  toolCalls?.length
    ? { role: 'assistant' as const, content: text || null, tool_calls: toolCalls }
    : { role: 'assistant' as const, content: text };

export const usageOf = (p: number, c: number): Usage => ({
  prompt_tokens: p,
  completion_tokens: c,
  total_tokens: p + c,
});

/**
 * What a failed-over attempt leaves behind: a metric, a log line with the request id an operator
 * can find the answer by, and (unless the client left or the circuit was open) a cost in the
 * selector, so a failing upstream stops coming first.
 */
export function observeAttemptFailures(
  deps: { readonly metrics: Metrics; readonly log: ProxyLogger; readonly selector: EdgeSelector },
  config: ProxyConfig,
  requestId: string,
) {
  return (c: Candidate, e: unknown) => {
    const failure = e instanceof UpstreamError ? e.failure : undefined;
    deps.metrics.errors.inc({ code: failure ?? 'upstream_failed', upstream: c.upstream.id });
    const status = e instanceof UpstreamError ? e.status : undefined;
    deps.log.warn(
      { requestId, upstream: c.upstream.id, failure: failure ?? 'error', status },
      'upstream attempt failed; trying the next',
    );
    if (failure !== 'aborted' && failure !== 'circuit_open') {
      deps.selector.observeFailure(c.upstream.id, config.first_byte_timeout_ms);
    }
  };
}
