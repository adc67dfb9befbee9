/**
 * @module route/decide
 * The worker's half of one prompt's decision: fit the conversation into the local window
 * (decision 015) and prefill once; the decision itself is core/decision/decide.ts. The prefill
 * is kept, so a local answer decodes from it.
 */
import { RouterError } from '../../core/errors.js';
import type { ThresholdsFile } from '../../core/calibration/threshold-table.js';
import { fitHistory } from '../../core/routing/history-window.js';
import { decide, deferBeforeGate, type DecisionGround } from '../../core/decision/decide.js';
import type { ThresholdPolicy } from '../../core/decision/threshold-policy.js';
import type { LocalEngine, Prefill } from '../../core/protocol/local-engine.js';
import type { MarginGate } from '../../core/protocol/margin-gate.js';
import type { Decision, RouteRequest, ThresholdsSource } from '../../core/protocol/worker-api.js';
import type { RepresentationReader } from '../gate/representation-reader.js';
import type { LiveCosts } from './live-costs.js';

export type ActiveRouter = DecisionGround & {
  readonly engine: LocalEngine | undefined;
  readonly gate: MarginGate;
  readonly readRepresentation: RepresentationReader;
  readonly thresholds: ThresholdsFile;
  readonly thresholdsSource: ThresholdsSource;
  /** Why there is no engine (the edge-only rung's reason). */
  readonly noEngineReason: string;
  /** The stacked threshold policy, composed once at load (router-worker-api.ts). */
  readonly policy: ThresholdPolicy;
  /** The live cost model's measurements, when the page asked for live costs. */
  readonly live: LiveCosts | undefined;
};

export type RoutePlan = {
  readonly decision: Decision;
  readonly prefill: Prefill | undefined;
  readonly representation: Float32Array | undefined;
  readonly gateMs: number;
};

export async function planRoute(request: RouteRequest, active: ActiveRouter, maxTokens: number): Promise<RoutePlan> {
  const { engine } = active;
  const context = { id: crypto.randomUUID(), request, engine: null, droppedMessages: 0 };
  if (!engine) {
    if (request.mode === 'local')
      throw new RouterError('engine_not_ready', `no local engine on this device: ${active.noEngineReason}`);
    // Edge-only rung: no prefill and no gate; every prompt defers.
    return {
      decision: deferBeforeGate(context, active, 'no-engine', 0),
      prefill: undefined,
      representation: undefined,
      gateMs: 0,
    };
  }
  const here = {
    ...context,
    engine: { kind: engine.info.kind, backend: engine.info.backend, model: engine.info.model },
  };
  const window = await fitHistory(request.messages, (m) => engine.countTokens(m), engine.info.contextLength, maxTokens);
  if (!window.fits) {
    const why = `the prompt is ${window.promptTokens} tokens; the local model reads at most ${window.budget} with room for the answer`;
    if (request.mode === 'local') throw new RouterError('context_window_exceeded', why);
    const decision = deferBeforeGate(
      { ...here, droppedMessages: request.messages.length - 1 },
      active,
      'context',
      window.promptTokens,
    );
    return { decision, prefill: undefined, representation: undefined, gateMs: 0 };
  }
  const prefill = await engine.prefill(window.messages);
  const { decision, representation, gateMs } = await decide(
    prefill,
    { ...here, droppedMessages: window.droppedMessages },
    active,
    active,
    engine.info.model,
  );
  // This prefill measured the device's speed; it informs the next decision's τ, never its own (a τ
  // that depended on the prompt it decides would not be the calibrated rule the guarantee covers).
  active.live?.observePrefill(prefill);
  return { decision, prefill, representation, gateMs };
}
