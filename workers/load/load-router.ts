/**
 * @module load/load-router
 * Everything routing needs, loaded once per worker: the ladder's engine, the gate and its table
 * (refused when fitted to another model's answers, decision 025), and the threshold policy,
 * composed here and nowhere else (core/decision/threshold-policy.ts). When the widget's own files
 * cannot be used the visitor still chats, with the edge (load/edge-only.ts).
 */
import { toErrorPayload } from '../../core/errors.js';
import {
  labelsModelOf,
  operatingGrid,
  uncertifiedPoints,
  type ThresholdsFile,
} from '../../core/calibration/threshold-table.js';
import { promiseOf } from '../../core/decision/promise.js';
import { loadAdaptiveThresholds } from '../../core/decision/adaptive-thresholds.js';
import { composePolicy } from '../../core/decision/threshold-policy.js';
import { tablePolicy } from '../../core/decision/table-policy.js';
import { perCluster } from '../../core/decision/refinements/per-cluster.js';
import { liveCosts } from '../../core/decision/refinements/live-costs.js';
import { adaptive } from '../../core/decision/refinements/adaptive.js';
import { clusterModelOf } from '../../core/calibration/cluster-table.js';
import type { WorkerConfig, WorkerStatus } from '../../core/protocol/worker-api.js';
import type { Capabilities } from '../../core/protocol/capabilities.js';
import { createRepresentationReader } from '../gate/representation-reader.js';
import { probePlatform } from '../capability-probe.js';
import { classifyLoadFailure, edgeOnlyRouter, failsTheLoad } from './edge-only.js';
import type { ReportProgress } from './progress.js';
import { loadLiveCosts, speedMemory } from '../route/live-costs.js';
import type { ActiveRouter } from '../route/decide.js';

import { loadLadder, type LadderDeps } from './load-ladder.js';

export type LoadedRouter = ActiveRouter & { readonly status: WorkerStatus };

/** Why a gate's labels are not this model's own answers, or undefined when they are. */
function foreignLabels(thresholds: ThresholdsFile, loadedModel: string): string | undefined {
  const labels = labelsModelOf(thresholds);
  const sameWeights = labels.sha256 === undefined || labels.sha256 === thresholds.representation.modelSha256;
  if (labels.id === loadedModel && sameWeights) return undefined;
  return (
    `gate_labels_mismatch: the gate was fitted to the answers of ${labels.id}, but ${loadedModel} answers here ` +
    '(fit a gate for it with `riskgate fit`); every message goes to the larger model'
  );
}

/** The widget's own files could not be used (missing, refused, WASM blocked): the visitor still chats, with the edge. */
export async function loadRouter(
  deps: LadderDeps,
  config: WorkerConfig,
  report: ReportProgress,
  signal: AbortSignal,
): Promise<LoadedRouter> {
  const attempted = performance.now();
  return loadRouting(deps, config, report, signal).catch(async (error: unknown) => {
    const { code, message } = classifyLoadFailure(toErrorPayload(error));
    if (failsTheLoad(code)) throw error;
    report({ stage: 'ready', loaded: 1, total: 1, text: 'ready: edge-only' });
    return edgeOnlyRouter(await probePlatform(), `${code}: ${message}`, performance.now() - attempted);
  });
}

async function loadRouting(
  deps: LadderDeps,
  config: WorkerConfig,
  report: ReportProgress,
  signal: AbortSignal,
): Promise<LoadedRouter> {
  const { store } = deps;
  const ladder = await loadLadder(deps, config, report, 'route', signal);
  const { declared, shared, started } = ladder;
  // A gate fitted to another model's answers would promise something about a model that does not
  // answer here (issue 22): refused, and the visitor is served by the edge, saying why.
  const refused =
    ladder.engine && config.gateLabels !== 'any'
      ? foreignLabels((declared ?? shared!).thresholds, ladder.engine.info.model)
      : undefined;
  const engine = refused ? undefined : ladder.engine;
  const reason = refused ?? ladder.reason;
  const capabilities: Capabilities = refused
    ? Object.freeze({ ...ladder.capabilities, rung: 'edge-only', reason: refused })
    : ladder.capabilities;
  // The ONNX model was checked against the gate by sha256; this checks that it gives what the
  // gate reads (a model without hidden_states only has logits). A deployment error: reported.
  const readRepresentation =
    declared?.readRepresentation ?? createRepresentationReader(shared!.thresholds.representation, engine?.info);
  const active = declared ?? shared!;
  const clusterTable = config.riskControl === 'per-cluster' ? active.thresholds.clusters : undefined;
  // Under per-cluster risk control each cluster's τ adapts on its own.
  const online = config.adaptThreshold
    ? await loadAdaptiveThresholds(store, active.gateSha256, active.thresholds)
    : undefined;
  // A refinement, not a requirement: without its calibration set the table routes, and the page is told why.
  const live =
    config.costModel === 'live'
      ? await loadLiveCosts(
          active.thresholds,
          active.thresholdsUrl,
          active.gateSha256,
          await speedMemory(store, engine ? `${engine.info.model}@${engine.info.backend}` : 'edge-only'),
          signal,
        ).then(
          (l) => ({ l, notice: null }),
          (error: unknown) => ({
            l: undefined,
            notice: `live costs unavailable, the calibrated table routes: ${toErrorPayload(error).message}`,
          }),
        )
      : { l: undefined, notice: null };
  // The one place the threshold policy is composed: the table, then each refinement the page asked for.
  const policy = composePolicy(tablePolicy(active.thresholds), [
    clusterTable && perCluster({ ...active.thresholds, clusters: clusterTable }, clusterModelOf(clusterTable)),
    live.l && liveCosts(live.l),
    online && adaptive(online),
  ]);
  const status: WorkerStatus = {
    engine: engine?.info ?? null,
    capabilities,
    storageNotice: [active.storageNotice, ladder.fileNotice].filter(Boolean).join('; ') || null,
    gateSha256: active.gateSha256,
    thresholdsSource: active.source,
    grid: operatingGrid(active.thresholds),
    uncertified: uncertifiedPoints(active.thresholds),
    promise: promiseOf(active.thresholds),
    ...policy.status(),
    costModelNotice: live.notice,
    loadMs: performance.now() - started,
  };
  return {
    engine,
    gate: active.gate,
    readRepresentation,
    thresholds: active.thresholds,
    thresholdsSource: active.source,
    noEngineReason: reason,
    policy,
    live: live.l,
    status,
  };
}
