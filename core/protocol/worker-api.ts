/**
 * @module protocol/worker-api
 * The router worker's typed surface (comlink `Remote<RouterWorkerApi>` on the page side). Only
 * structured-clone data crosses; events stream through a proxied callback.
 */
import type { ErrorPayload } from '../errors.js';
import type { ChatMessage, RouteMode, RoutePath } from './chat.js';
import type { EngineInfo } from './local-engine.js';
import type { BackendPreference, Capabilities, ThreadsPreference } from './capabilities.js';
import type { LiveCostInputs, LiveCostSources } from '../routing/live-cost.js';
import type { PathCost } from '../routing/wireless-cost.js';
import type { RiskPromise } from '../decision/promise.js';
import type { ToolingWorkerApi } from './tooling-api.js';

export type WorkerConfig = {
  /** Absolute URL of the folder holding manifest.json. */
  readonly modelsUrl: string;
  /** Preferred execution provider; `auto` = the measured default, then the fallback ladder. @default 'auto' */
  readonly backend?: BackendPreference;
  /** ORT WASM threads; `auto` = the measured default; more than one needs a cross-origin isolated page. @default 'auto' */
  readonly threads?: ThreadsPreference;
  /** Set by the page client when the worker script is on another origin (CDN): ORT cannot start its thread workers then. */
  readonly crossOriginScript?: boolean;
  /**
   * Adapt τ(λ, α) online from the visitor's reports that an answer given here fell short (ACI,
   * decision 022), kept in IndexedDB per gate. Off: the calibrated table only. @default false
   */
  readonly adaptThreshold?: boolean;
  /**
   * `per-cluster`: each prompt gets the threshold of its representation's cluster (CRC inside each
   * cluster: a guarantee per group, not only on average), when thresholds.json has clusters.
   * With `adaptThreshold`, each cluster's τ adapts on its own. @default 'marginal'
   */
  readonly riskControl?: 'marginal' | 'per-cluster';
  /**
   * `live`: τ(λ, α) is recalibrated at each decision with costs from this device's measured speeds,
   * the edge's measured round trip and `navigator.connection` (CRC again on the shipped calibration
   * set; decision 023). `calibrated`: the table, under the cost model it was calibrated with. @default 'calibrated'
   */
  readonly costModel?: 'calibrated' | 'live';
  /**
   * `own` (the default): a gate whose labels are another model's answers than the loaded one's is
   * refused and every message goes to the edge (`gate_labels_mismatch`): its promise would be about
   * a model that does not answer. `any`: route with it anyway, for evaluating a stand-in gate; the
   * status's `promise.labelsModel` then names whose answers the promise is about. @default 'own'
   */
  readonly gateLabels?: 'own' | 'any';
};

/** One operating point's adaptive threshold: where it is now against the calibrated one, and on how many labels. */
export type OnlinePointStatus = {
  readonly costWeight: number;
  readonly riskLevel: number;
  /** The cluster, under per-cluster risk control (each adapts on its own); null otherwise. */
  readonly group: number | null;
  readonly threshold: number;
  readonly calibrated: number;
  /** Gate decisions counted (each is a label: deferred, answered here, or reported as falling short). */
  readonly labels: number;
  readonly reportedShortfalls: number;
  /** Answers given here that the judge compared with the edge's (shadow checks), and how many the edge's beat. */
  readonly shadowChecks: number;
  readonly shadowShortfalls: number;
};

export type WorkerStatus = {
  /** null on the edge-only rung. */
  readonly engine: EngineInfo | null;
  /** The frozen probe result and the active rung of the fallback ladder. */
  readonly capabilities: Capabilities;
  /** Set when persistent storage failed (quota, private mode) and the thresholds live in memory only. */
  readonly storageNotice: string | null;
  readonly gateSha256: string;
  readonly thresholdsSource: ThresholdsSource;
  readonly grid: { readonly costWeights: readonly number[]; readonly riskLevels: readonly number[] };
  /**
   * Operating points where calibration could not certify α at all (τ = +∞): every prompt goes to
   * the edge there. The picker says so ("cannot certify: defer").
   */
  readonly uncertified: readonly { readonly costWeight: number; readonly riskLevel: number }[];
  /** The risk control in effect (`per-cluster` only when asked for and thresholds.json has clusters). */
  readonly riskControl: 'marginal' | 'per-cluster';
  /** The cost model in effect: `live` only when asked for and the thresholds name a calibration set. */
  readonly costModel: 'calibrated' | 'live';
  /** Why `live` was asked for but is not in effect (no calibration set, or it could not be loaded); null otherwise. */
  readonly costModelNotice: string | null;
  /** The adaptive thresholds that moved so far; null when adaptation is off. */
  readonly online: readonly OnlinePointStatus[] | null;
  /** What the thresholds promise (decision/promise.ts): the picker's words come from it. */
  readonly promise: RiskPromise;
  readonly loadMs: number;
};

export type ThresholdsSource = 'network' | 'indexeddb';

/** `riskgate-progress` detail: one loading stage with its bytes (total null when unknown). */
export type LoadProgress = {
  readonly stage: 'manifest' | 'gate' | 'thresholds' | 'model' | 'tokenizer' | 'compile' | 'ready';
  readonly loaded: number;
  readonly total: number | null;
  readonly text: string;
};

export type RouteRequest = {
  readonly messages: readonly ChatMessage[];
  readonly costWeight: number;
  readonly riskLevel: number;
  readonly mode: RouteMode;
  /** Base URL of the edge proxy (its /v1/chat/completions is called on defer). */
  readonly endpoint: string;
  /** @default 96 */
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly seed?: number;
  /** Sent to the edge as its Idempotency-Key (the offline outbox's entry id). */
  readonly requestId?: string;
  /** Sent to the edge as the Authorization header (`Bearer <widget token>`). */
  readonly authorization?: string;
};

/**
 * Why the path was taken: the gate's score against τ; a forced `mode`; the prompt does not fit the
 * local model's window (decision 015); or no local engine could load (edge-only rung).
 */
export type DecisionReason = 'gate' | 'forced' | 'context' | 'no-engine';

export type Decision = {
  /** Names this decision for `reportFellShort`. */
  readonly id: string;
  readonly reason: DecisionReason;
  /**
   * Earlier messages of the conversation the local model did not read (the history window kept
   * the latest turns that fit); 0 when it read them all. The edge always gets the whole conversation.
   */
  readonly droppedMessages: number;
  readonly path: RoutePath;
  readonly mode: RouteMode;
  /** The gate's margin estimate ĝ(h, λ). */
  readonly score: number;
  /** τ(λ, α) used; +Infinity = accept nothing, -Infinity = accept everything. */
  readonly threshold: number;
  /**
   * τ(λ, α) as calibrated (for the prompt's cluster under per-cluster risk control; recalibrated
   * under this device's costs with `costModel: 'live'`); differs from `threshold` when adaptation moved it.
   */
  readonly calibratedThreshold: number;
  /** The cluster whose threshold decided, under per-cluster risk control; null otherwise. */
  readonly group: number | null;
  readonly costWeight: number;
  readonly riskLevel: number;
  /** What α promises at this point (decision/promise.ts), as the picker words it. */
  readonly promise: RiskPromise;
  /** Who answers: the local model id, or the edge (the served model arrives with `done`). */
  readonly model: string;
  readonly thresholdsSource: ThresholdsSource;
  /** The engine that read the prompt; null on the edge-only rung (score is then NaN). */
  readonly engine: Pick<EngineInfo, 'kind' | 'backend' | 'model'> | null;
  /** The cost terms behind τ under `costModel: 'live'`; null under the calibrated table. */
  readonly cost: DecisionCost | null;
};

/** What live recalibration used (decision 023): the measured figures, where each came from, and this prompt's costs. */
export type DecisionCost = {
  readonly inputs: LiveCostInputs;
  readonly sources: LiveCostSources;
  /** `navigator.connection` as the browser gave it; null where it has none. */
  readonly connection: {
    readonly effectiveType: string | null;
    readonly rttMs: number | null;
    readonly downlinkMbps: number | null;
    readonly saveData: boolean;
  } | null;
  /** τ from the shipped table, against which the live one (`calibratedThreshold`) can be compared. */
  readonly tableThreshold: number;
  /** This prompt by path, at the calibration set's median answer length: c̄ and its latency, energy and price. */
  readonly prompt: {
    readonly promptTokens: number;
    readonly outputTokens: number;
    readonly local: PathCost;
    readonly edge: PathCost & { readonly model: string };
  };
};

export type Timings = {
  /** Time to prefill this turn's new tokens (after an edge turn: the edge's reply and the new prompt). */
  readonly prefillMs: number;
  /** Conversation tokens continued from the previous turn's KV cache instead of prefilled again. */
  readonly reusedTokens: number;
  readonly gateMs: number;
  readonly firstTokenMs: number | null;
  readonly totalMs: number;
  readonly tokensPerSecond: number | null;
};

/** `length`: cut by max-tokens or the window; `aborted`: stopped by `stop()`. */
export type RouteFinishReason = 'stop' | 'length' | 'aborted';

export type RouteEvent =
  | { readonly type: 'decision'; readonly decision: Decision }
  | { readonly type: 'token'; readonly text: string }
  | {
      readonly type: 'done';
      readonly path: RoutePath;
      readonly model: string;
      readonly finishReason: RouteFinishReason;
      readonly usage: { readonly promptTokens: number; readonly completionTokens: number };
      readonly timings: Timings;
    }
  | { readonly type: 'error'; readonly error: ErrorPayload };

/** A shadow check of an answer given here (decision 024): the proxy answers the same conversation and a judge compares. */
export type ShadowCheckRequest = {
  readonly decisionId: string;
  /** The conversation the device answered, its last message the prompt. */
  readonly messages: readonly ChatMessage[];
  readonly localAnswer: string;
  readonly endpoint: string;
  /** ρ: the probability with which the page chose this answer for a check (the label's weight is 1/ρ). */
  readonly shadowRate: number;
  readonly costWeight: number;
  readonly riskLevel: number;
  readonly maxTokens?: number;
  readonly authorization?: string;
};

export type ShadowCheckResult = {
  /** `undecided`: the judge gave no usable verdict (no label is recorded). */
  readonly verdict: 'edge_better' | 'not_worse' | 'undecided';
  readonly judgeModel: string;
  readonly edge: { readonly model: string; readonly content: string };
  /** The operating point's adaptive threshold after the label; null when adaptation is off or the decision is unknown. */
  readonly point: OnlinePointStatus | null;
};

/**
 * What the page's widget calls in the router worker: load, route, stop, and the two ways an answer
 * given here becomes a label. Errors thrown by these calls arrive in the page as RouterErrors with
 * their `code` (workers/error-transfer.ts).
 */
export interface RouterWorkerApi {
  init(config: WorkerConfig, onProgress?: (progress: LoadProgress) => void): Promise<WorkerStatus>;
  /** Cancels a load in progress: pending downloads abort and `init` rejects with `aborted`. */
  cancelLoad(): void;
  /**
   * Stops the prompt being answered (local decoding or the edge stream): it ends with `done`,
   * `finishReason: 'aborted'`, keeping the text so far. Prompts queued behind it still run.
   */
  stopRoute(): void;
  /** Routes one prompt; events arrive through `onEvent` in order: decision, tokens, done | error. */
  route(request: RouteRequest, onEvent: (event: RouteEvent) => void | Promise<void>): Promise<void>;
  /**
   * The visitor found an answer given here worse than the larger model's: with `adaptThreshold`,
   * that decision's step becomes a false acceptance (τ rises by γ). Returns the operating point's
   * new status, or null (adaptation off, unknown decision, not answered here, or reported already).
   */
  reportFellShort(decisionId: string): Promise<OnlinePointStatus | null>;
  /**
   * Shadow check: the edge proxy answers the conversation of a decision answered here and its judge
   * says whether that answer was strictly better. With `adaptThreshold`, the verdict is that
   * decision's label, weighted 1/ρ (decision 024). Throws `edge_unreachable`, `edge_error` (e.g.
   * 501 when the proxy has no judge) or `invalid_request`.
   */
  shadowCheck(request: ShadowCheckRequest): Promise<ShadowCheckResult>;
}

/** What the worker exposes: the product API, with the tooling calls (tooling-api.ts) kept apart under `tooling`. */
export type RouterWorkerEndpoint = RouterWorkerApi & { readonly tooling: ToolingWorkerApi };
