/**
 * @module route/decide
 * One prompt's decision: fit the conversation into the local window (decision 015), prefill once,
 * read the representation, score it with the gate (ĝ(h, λ), METHODS §CR²) and compare with the
 * CRC threshold τ(λ, α): accept locally when ĝ ≥ τ, else defer.
 */
import { RouterError } from '../../core/errors.js';
import { lookupThreshold, type ThresholdsFile } from '../../core/calibration/threshold-table.js';
import { fitHistory } from '../../core/routing/history-window.js';
import { promiseOf } from '../../core/decision/promise.js';
import type { LocalEngine, Prefill } from '../../core/protocol/local-engine.js';
import type { MarginGate } from '../../core/protocol/margin-gate.js';
import type { Decision, RouteRequest, ThresholdsSource } from '../../core/protocol/worker-api.js';
import type { RepresentationReader } from '../gate/representation-reader.js';
import type { OnlineThresholds } from './online-thresholds.js';
import { lookupClusterThreshold, type ClusterTable } from '../../core/calibration/cluster-table.js';
import type { LiveCosts } from './live-costs.js';
import { nearestCentroid, type Centroids } from '../../core/clustering/nearest-centroid.js';

export type ActiveRouter = {
  readonly engine: LocalEngine | undefined;
  readonly gate: MarginGate;
  readonly readRepresentation: RepresentationReader;
  readonly thresholds: ThresholdsFile;
  readonly thresholdsSource: ThresholdsSource;
  /** Why there is no engine (the edge-only rung's reason). */
  readonly noEngineReason: string;
  /** The adaptive thresholds, when the page asked for them. */
  readonly online: OnlineThresholds | undefined;
  /** Per-cluster thresholds, when the page asked for them and the table has them. */
  readonly clusters: { readonly model: Centroids; readonly file: ThresholdsFile & { readonly clusters: ClusterTable } } | undefined;
  /** The live cost model, when the page asked for it and the thresholds name a calibration set. */
  readonly live: LiveCosts | undefined;
};

export type RoutePlan = { readonly decision: Decision; readonly prefill: Prefill | undefined; readonly representation: Float32Array | undefined; readonly gateMs: number };

export function validateRequest(request: RouteRequest): void {
  const last = request.messages.at(-1);
  if (!last) throw new RouterError('invalid_request', 'messages must not be empty');
  if (last.role !== 'user' || typeof last.content !== 'string' || last.content.trim() === '') {
    throw new RouterError('invalid_request', 'the last message must be a non-empty user message');
  }
  if (!Number.isFinite(request.costWeight) || request.costWeight < 0) throw new RouterError('invalid_request', `costWeight must be a number ≥ 0, not ${request.costWeight}`);
  if (!Number.isFinite(request.riskLevel) || request.riskLevel <= 0 || request.riskLevel >= 1) throw new RouterError('invalid_request', `riskLevel must be in (0, 1), not ${request.riskLevel}`);
  if (!['auto', 'local', 'edge'].includes(request.mode)) throw new RouterError('invalid_request', `mode must be auto, local or edge, not ${String(request.mode)}`);
}

export async function decide(request: RouteRequest, active: ActiveRouter, maxTokens: number): Promise<RoutePlan> {
  const { engine, gate, thresholds } = active;
  const { threshold: marginal, row } = lookupThreshold(thresholds, { costWeight: request.costWeight, riskLevel: request.riskLevel });
  // Adaptation and live recalibration run per calibrated grid point (and cluster); where nothing was calibrated, nothing moves.
  const point = row ? { costWeight: row.cost_weight, riskLevel: row.risk_level } : undefined;
  const adaptive = point && active.online && request.mode === 'auto' ? active.online : undefined;
  /**
   * τ for a cluster under per-cluster risk control (ConsRoute §2.3 with CRC), else the marginal
   * one; recalibrated under live costs and adapted when asked. Adaptation keeps its state against
   * the table's τ and moves the live τ by the same offset (`shift`), so both can be on at once.
   */
  const thresholdAt = (group: number | null, promptTokens: number) => {
    const table = group === null ? marginal : lookupClusterThreshold(active.clusters!.file, group, request);
    const live = point && active.live ? active.live.threshold(point, group, promptTokens, table) : undefined;
    const calibrated = live?.threshold ?? table;
    // Without live costs there is no offset (the table's ±∞ points adapt from ACI's bounds, as before).
    const shift = live ? calibrated - table : 0;
    const adapted = adaptive && Number.isFinite(shift) ? { at: { ...point!, group }, table, shift } : undefined;
    return { calibrated, used: adapted ? adapted.shift + adaptive!.thresholdFor(adapted.at, table) : calibrated, cost: live?.cost ?? null, adapted };
  };
  const base = {
    id: crypto.randomUUID(), mode: request.mode, costWeight: request.costWeight, riskLevel: request.riskLevel,
    thresholdsSource: active.thresholdsSource, group: null, promise: promiseOf(thresholds),
  };
  const unscored = (promptTokens: number) => {
    const t = thresholdAt(null, promptTokens);
    return { ...base, threshold: t.used, calibratedThreshold: t.calibrated, cost: t.cost };
  };
  if (!engine) {
    if (request.mode === 'local') throw new RouterError('engine_not_ready', `no local engine on this device: ${active.noEngineReason}`);
    // Edge-only rung: no prefill and no gate; every prompt defers.
    return { decision: { ...unscored(0), path: 'edge', reason: 'no-engine', score: NaN, model: 'edge', engine: null, droppedMessages: 0 }, prefill: undefined, representation: undefined, gateMs: 0 };
  }
  const engineRef = { kind: engine.info.kind, backend: engine.info.backend, model: engine.info.model };
  const window = await fitHistory(request.messages, (m) => engine.countTokens(m), engine.info.contextLength, maxTokens);
  if (!window.fits) {
    const why = `the prompt is ${window.promptTokens} tokens; the local model reads at most ${window.budget} with room for the answer`;
    if (request.mode === 'local') throw new RouterError('context_window_exceeded', why);
    return { decision: { ...unscored(window.promptTokens), path: 'edge', reason: 'context', score: NaN, model: 'edge', engine: engineRef, droppedMessages: request.messages.length - 1 }, prefill: undefined, representation: undefined, gateMs: 0 };
  }
  const prefill = await engine.prefill(window.messages);
  const gateStarted = performance.now();
  const representation = active.readRepresentation(prefill);
  const score = await gate.score(representation, request.costWeight);
  const group = active.clusters ? nearestCentroid(active.clusters.model, representation) : null;
  const { calibrated, used, cost, adapted } = thresholdAt(group, prefill.tokenCount);
  // This prefill measured the device's speed; it informs the next decision's τ, never its own (a τ
  // that depended on the prompt it decides would not be the calibrated rule the guarantee covers).
  active.live?.observePrefill(prefill);
  const gateMs = performance.now() - gateStarted;
  const path = request.mode === 'auto' ? (score >= used ? 'local' : 'edge') : request.mode;
  if (adapted) await adaptive!.recordDecision(base.id, adapted.at, adapted.table, score - adapted.shift);
  return {
    decision: {
      ...base, group, threshold: used, calibratedThreshold: calibrated, cost, path, reason: request.mode === 'auto' ? 'gate' : 'forced', score, model: path === 'local' ? engine.info.model : 'edge',
      engine: engineRef, droppedMessages: window.droppedMessages,
    },
    prefill, representation, gateMs,
  };
}
