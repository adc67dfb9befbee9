/**
 * @module route/route-prompt
 * One prompt, end to end: decide (route/decide.ts → core/decision), then stream the answer from the
 * same prefill on the device or from the edge, reporting the decision, each token and the end.
 */
import { validateRouteRequest } from '../../core/decision/validate-request.js';
import type { RouteEvent, RouteRequest } from '../../core/protocol/worker-api.js';
import { planRoute, type ActiveRouter } from './decide.js';
import { streamEdge, streamLocal } from './answer-streams.js';

/** Answers are at most this long unless the page says (`max-tokens`). */
export const DEFAULT_MAX_TOKENS = 96;

export async function routePrompt(
  active: ActiveRouter,
  request: RouteRequest,
  onEvent: (event: RouteEvent) => void | Promise<void>,
  stop: AbortController,
  started: number,
): Promise<void> {
  validateRouteRequest(request);
  const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
  const { decision, prefill, representation, gateMs } = await planRoute(request, active, maxTokens);
  await onEvent({ type: 'decision', decision });
  let firstTokenMs: number | null = null;
  let tokens = 0;
  // Awaiting each event keeps order across comlink's callback port and gives backpressure.
  const emit = async (text: string) => {
    firstTokenMs ??= performance.now() - started;
    tokens++;
    await onEvent({ type: 'token', text });
  };
  const decodeStarted = performance.now();
  const end =
    decision.path === 'local' && active.engine && prefill
      ? await streamLocal(active.engine, prefill, request, maxTokens, emit, stop.signal)
      : // The edge answers; the cache keeps this prompt, so the next turn prefills only the edge's reply and what follows.
        await streamEdge(
          request,
          maxTokens,
          {
            score: decision.score,
            threshold: decision.threshold,
            representation,
            representationModel: active.thresholds.representation.modelId,
          },
          emit,
          stop.signal,
        );
  const decodeS = (performance.now() - decodeStarted) / 1000;
  if (end.finishReason !== 'aborted')
    observeSpeeds(
      active,
      decision.path,
      tokens,
      decodeS,
      firstTokenMs === null ? null : (firstTokenMs + started - decodeStarted) / 1000,
    );
  await onEvent({
    type: 'done',
    path: decision.path,
    model: end.model,
    finishReason: end.finishReason,
    usage: { promptTokens: end.promptTokens, completionTokens: end.completionTokens },
    timings: {
      prefillMs: prefill?.prefillMs ?? 0,
      reusedTokens: prefill?.reusedTokens ?? 0,
      gateMs,
      firstTokenMs,
      totalMs: performance.now() - started,
      tokensPerSecond: tokens > 0 ? tokens / decodeS : null,
    },
  });
}

/** What this answer showed of the device's decode speed or the edge's first token and stream rate (live costs). */
function observeSpeeds(
  active: ActiveRouter,
  path: 'local' | 'edge',
  tokens: number,
  decodeS: number,
  firstTokenS: number | null,
): void {
  if (!active.live || firstTokenS === null) return;
  if (path === 'local') active.live.observeLocalDecode(tokens, decodeS);
  else active.live.observeEdge(firstTokenS, tokens, decodeS - firstTokenS);
}
