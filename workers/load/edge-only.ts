/**
 * @module load/edge-only
 * The last rung when the widget's own files cannot be used at all: the manifest, the gate or the
 * thresholds missing (404), refused (a wrong sha256), or WebAssembly blocked by the page's CSP. The
 * visitor can still chat: every message goes to the edge, the reason (with its code) is in
 * `capabilities.reason`, and nothing is promised, since no table was calibrated here (issue 25).
 */
import { RouterError } from '../../core/errors.js';
import type { ThresholdsFile } from '../../core/calibration/threshold-table.js';
import type { PlatformProbe } from '../../core/protocol/capabilities.js';
import type { WorkerStatus } from '../../core/protocol/worker-api.js';
import { tablePolicy } from '../../core/decision/table-policy.js';
import type { ActiveRouter } from '../route/decide.js';

/** No rows: every operating point defers (τ = +∞), and the grid offers nothing to pick. */
const NO_THRESHOLDS: ThresholdsFile = {
  format: 'riskgate.thresholds/1',
  gate_sha256: '',
  loss: 'shortfall',
  guarantee: 'selective',
  rows: [],
  representation: { modelId: 'none', modelSha256: '', kind: 'hidden_state_last', dim: 0 },
};

const noGate = () => {
  throw new RouterError('engine_not_ready', 'no gate on the edge-only rung');
};

/**
 * The code a site owner can act on. WebAssembly refused by the page's policy reaches us as ORT's
 * or llama.cpp's own message (a CompileError naming the Content Security Policy).
 */
export function classifyLoadFailure(payload: { readonly code: string; readonly message: string }): {
  code: string;
  message: string;
} {
  if (/Content Security Policy/i.test(payload.message) && /WebAssembly|wasm/i.test(payload.message)) {
    return {
      code: 'csp_blocked',
      message: `this page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to script-src (docs/widget.md, "Content-Security-Policy") — ${payload.message}`,
    };
  }
  return { code: payload.code, message: payload.message };
}

/** Failures of the page's request, not of the widget's files: those still fail the load. */
export const failsTheLoad = (code: string) => code === 'aborted' || code === 'invalid_request';

export function edgeOnlyRouter(
  probe: PlatformProbe,
  reason: string,
  loadMs: number,
): ActiveRouter & { readonly status: WorkerStatus } {
  const capabilities = Object.freeze({
    ...probe,
    rung: 'edge-only' as const,
    reason,
    skipped: Object.freeze([]),
    wasmThreads: 0,
    wasmThreadsReason: 'no local model',
  });
  return {
    engine: undefined,
    gate: { dim: 0, score: async () => noGate() },
    readRepresentation: noGate,
    thresholds: NO_THRESHOLDS,
    thresholdsSource: 'network',
    noEngineReason: reason,
    policy: tablePolicy(NO_THRESHOLDS),
    live: undefined,
    status: {
      engine: null,
      capabilities,
      storageNotice: null,
      gateSha256: '',
      thresholdsSource: 'network',
      grid: { costWeights: [], riskLevels: [] },
      uncertified: [],
      riskControl: 'marginal',
      costModel: 'calibrated',
      costModelNotice: null,
      online: null,
      promise: { guarantee: 'selective', delta: null, labelsModel: '' },
      loadMs,
    },
  };
}
