/**
 * @module route/answer-streams
 * The two ways an answer streams once the decision is made: local decoding from the prefill's KV
 * cache (no second prefill), or the edge proxy's SSE stream. Both end in what `done` reports, and
 * both honour `stop()` by ending with `aborted` and the text so far.
 */
import type { LocalEngine, Prefill } from '../../core/protocol/local-engine.js';
import type { RouteFinishReason, RouteRequest } from '../../core/protocol/worker-api.js';
import { encodeRepresentation } from '../../core/representation/wire.js';
import { streamFromEdge } from '../edge-client.js';

export type StreamEnd = {
  readonly model: string;
  readonly finishReason: RouteFinishReason;
  readonly promptTokens: number;
  readonly completionTokens: number;
};
type Emit = (text: string) => Promise<void>;

const sampling = (request: RouteRequest) => ({
  ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  ...(request.seed !== undefined ? { seed: request.seed } : {}),
});

export async function streamLocal(
  engine: LocalEngine,
  prefill: Prefill,
  request: RouteRequest,
  maxTokens: number,
  emit: Emit,
  signal: AbortSignal,
): Promise<StreamEnd> {
  const stream = engine.decode({ maxTokens, signal, ...sampling(request) });
  let completionTokens = 0;
  for (;;) {
    const step = await stream.next();
    if (step.done) {
      const finishReason = step.value === 'abort' ? 'aborted' : step.value;
      return { model: engine.info.model, finishReason, promptTokens: prefill.tokenCount, completionTokens };
    }
    completionTokens++;
    await emit(step.value.text);
  }
}

export type EdgeHints = {
  readonly score: number;
  readonly threshold: number;
  readonly representation: Float32Array | undefined;
  readonly representationModel: string;
};

export async function streamEdge(
  request: RouteRequest,
  maxTokens: number,
  hints: EdgeHints,
  emit: Emit,
  signal: AbortSignal,
): Promise<StreamEnd> {
  const edge = streamFromEdge(
    {
      endpoint: request.endpoint,
      messages: request.messages,
      maxTokens,
      ...sampling(request),
      ...(request.requestId ? { idempotencyKey: request.requestId } : {}),
      ...(request.authorization ? { authorization: request.authorization } : {}),
      router: {
        cost_weight: request.costWeight,
        risk_level: request.riskLevel,
        ...(Number.isFinite(hints.score) ? { score: hints.score } : {}),
        threshold: Number.isFinite(hints.threshold) ? hints.threshold : null,
        ...(hints.representation
          ? {
              representation: encodeRepresentation(hints.representation),
              representation_model: hints.representationModel,
            }
          : {}),
      },
    },
    signal,
  );
  let completionTokens = 0;
  try {
    for (;;) {
      const step = await edge.next();
      if (step.done) {
        const r = step.value;
        return {
          model: r.model,
          finishReason: r.finishReason === 'length' ? 'length' : 'stop',
          promptTokens: r.promptTokens,
          completionTokens: r.completionTokens || completionTokens,
        };
      }
      completionTokens++;
      await emit(step.value);
      // Stopped while this piece was on its way to the page: what the proxy already sent is dropped.
      if (signal.aborted) {
        await edge.return(undefined as never).catch(() => undefined);
        return { model: 'edge', finishReason: 'aborted', promptTokens: 0, completionTokens };
      }
    }
  } catch (error) {
    // A stop aborts the fetch; that is the user's choice, not an edge failure.
    if (signal.aborted) return { model: 'edge', finishReason: 'aborted', promptTokens: 0, completionTokens };
    throw error;
  }
}
