/**
 * @module upstream/with-stop
 * OpenAI's `stop` for any upstream: the answer ends before the first stop sequence, with finish
 * reason `stop`, and the upstream is told to stop (its generator's `return()`). Text that could be
 * the start of a stop sequence is held back until it is known not to be one.
 */
import type { Upstream, UpstreamPiece, UpstreamRequest, UpstreamResult } from './upstream.js';

export function withStop(upstream: Upstream, stops: readonly string[]): Upstream {
  if (stops.length === 0) return upstream;
  const longest = Math.max(...stops.map((s) => s.length));
  async function* generate(
    request: UpstreamRequest,
    signal: AbortSignal,
  ): AsyncGenerator<UpstreamPiece, UpstreamResult> {
    const inner = upstream.generate(request, signal);
    let held = '';
    let completionTokens = 0;
    try {
      for (;;) {
        const step = await inner.next();
        if (step.done) {
          if (held) yield held;
          return step.value;
        }
        completionTokens++;
        // `stop` applies to the answer's text; a tool call's arguments pass unchanged (as OpenAI does).
        if (typeof step.value !== 'string') {
          yield step.value;
          continue;
        }
        held += step.value;
        const at = Math.min(...stops.map((s) => held.indexOf(s)).filter((i) => i >= 0));
        if (Number.isFinite(at)) {
          if (at > 0) yield held.slice(0, at);
          // Stopped before the upstream's usage arrived: its prompt still cost (issue 24, S5).
          return { finishReason: 'stop', promptTokens: estimatePromptTokens(request), completionTokens };
        }
        // Keep the tail that might still become a stop sequence.
        const safe = held.length - (longest - 1);
        if (safe > 0) {
          yield held.slice(0, safe);
          held = held.slice(safe);
        }
      }
    } finally {
      await inner.return(undefined as never).catch(() => undefined);
    }
  }
  return { ...upstream, generate };
}

/** About 4 characters per token (OpenAI's rule of thumb), for when no upstream count will come. */
export function estimatePromptTokens(request: Pick<UpstreamRequest, 'messages'>): number {
  return Math.ceil(request.messages.reduce((n, m) => n + m.content.length, 0) / 4);
}
