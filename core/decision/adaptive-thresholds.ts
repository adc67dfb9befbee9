/**
 * @module decision/adaptive-thresholds
 * The widget's opt-in adaptive thresholds (issue 15; `adapt-threshold` attribute): per operating point
 * (λ, α), adaptive conformal inference (core/calibration/online-threshold.ts, Gibbs & Candès 2021
 * eq. 2) started from the calibrated τ, kept in IndexedDB per gate next to the calibrated table.
 *
 * Labels. Every gate decision is one step. A deferred prompt cannot be a false acceptance
 * (err = 1[score ≥ τ and Δ < 0] = 0, exactly). An answered-here prompt counts as fine (err = 0)
 * when it is answered; if the visitor later says it fell short ("Not good enough? Ask the larger
 * model"), its step is corrected to err = 1. ACI's update is linear in err, so the late
 * correction is τ += γ: the same τ as if the label had been known at once. Silence is read as
 * "good enough" (decision 022): the long-run guarantee then holds for the false acceptances
 * visitors report, which is what this widget can observe.
 */
import {
  boundsAround,
  DEFAULT_STEP_SIZE,
  startOnlineThreshold,
  updateOnlineThreshold,
  type OnlineThresholdState,
} from '../calibration/online-threshold.js';
import { fromJsonThreshold, type ThresholdsFile } from '../calibration/threshold-table.js';
import type { OnlinePointStatus } from '../protocol/worker-api.js';
import type { KeyValueStore } from '../protocol/key-value-store.js';

/** Decisions that can still be reported as falling short (the last ones answered here). */
const REMEMBERED = 256;

/** One adaptive threshold: an operating point, and the cluster under per-cluster risk control. */
export type AdaptivePoint = { readonly costWeight: number; readonly riskLevel: number; readonly group: number | null };

type Shadow = { checks: number; shortfalls: number };
type Persisted = {
  readonly version: 2;
  points: Record<string, { state: OnlineThresholdState; calibrated: number; shadow?: Shadow }>;
  answeredHere: [string, string][];
};

export type AdaptiveThresholds = {
  thresholdFor(point: AdaptivePoint, calibrated: number): number;
  recordDecision(decisionId: string, point: AdaptivePoint, calibrated: number, score: number): Promise<void>;
  /** Returns the point's new status, or null when the decision is unknown, was not answered here, or was reported already. */
  recordFellShort(decisionId: string): Promise<OnlinePointStatus | null>;
  /**
   * The judge's verdict on an answer given here that was checked with probability `rate` (the
   * shadow rate): a false acceptance moves τ by γ/ρ (inverse-probability weight, online-threshold.ts
   * `updateOnlineThresholdSampled`); either way the point counts one check. Null as for recordFellShort.
   */
  recordShadowVerdict(decisionId: string, edgeBetter: boolean, rate: number): Promise<OnlinePointStatus | null>;
  status(): OnlinePointStatus[];
};

const keyOf = (p: AdaptivePoint) => JSON.stringify([p.costWeight, p.riskLevel, p.group]);

/** How τ adapts: which promise it keeps (selective: deferred prompts are no step), γ, and ACI's range. */
export type AdaptiveSettings = {
  readonly selective: boolean;
  readonly stepSize: number;
  readonly bounds: readonly [number, number];
};

/** The settings a calibrated table implies: its guarantee, and a floor at its lowest finite τ (online-threshold.ts). */
export function adaptiveSettingsOf(thresholds: ThresholdsFile, stepSize = DEFAULT_STEP_SIZE): AdaptiveSettings {
  const bounds = boundsAround(
    [...thresholds.rows, ...(thresholds.clusters?.rows ?? [])].map((r) => fromJsonThreshold(r.threshold)),
  );
  return { selective: (thresholds.guarantee ?? 'marginal') === 'selective', stepSize, bounds };
}

/** The state kept in IndexedDB per gate (`riskgate:online:<gate sha256>`), so a return visit continues where it stopped. */
export async function loadAdaptiveThresholds(
  store: KeyValueStore,
  gateSha256: string,
  thresholds: ThresholdsFile,
  stepSize = DEFAULT_STEP_SIZE,
): Promise<AdaptiveThresholds> {
  const key = `riskgate:online:${gateSha256}`;
  const saved = (await store.get(key).catch(() => undefined)) as Persisted | undefined;
  // A storage failure must not stop routing: τ then adapts for this session only.
  return createAdaptiveThresholds(adaptiveSettingsOf(thresholds, stepSize), saved, (state) =>
    store.set(key, state).catch(() => undefined),
  );
}

export function createAdaptiveThresholds(
  settings: AdaptiveSettings,
  saved?: unknown,
  persist: (state: unknown) => Promise<unknown> = async () => undefined,
): AdaptiveThresholds {
  const { selective, stepSize, bounds } = settings;
  const kept = saved as Persisted | undefined;
  const state: Persisted = kept?.version === 2 ? kept : { version: 2, points: {}, answeredHere: [] };
  const save = () => persist(state);
  const describe = (k: string): OnlinePointStatus => {
    const [costWeight, riskLevel, group] = JSON.parse(k) as [number, number, number | null];
    const { state: s, calibrated, shadow } = state.points[k]!;
    const shortfalls = shadow?.shortfalls ?? 0;
    return {
      costWeight,
      riskLevel,
      group,
      threshold: s.threshold,
      calibrated,
      labels: s.steps,
      reportedShortfalls: s.falseAcceptances - shortfalls,
      shadowChecks: shadow?.checks ?? 0,
      shadowShortfalls: shortfalls,
    };
  };
  /**
   * A late label for a decision answered here. Each decision takes one label (the first): a report
   * after the judge's verdict, or a verdict after a report, changes nothing, so nothing counts twice.
   */
  async function correct(
    decisionId: string,
    label: (s: OnlineThresholdState) => { by: number; shortfall: boolean; checked?: boolean },
  ): Promise<OnlinePointStatus | null> {
    const entry = state.answeredHere.find(([id]) => id === decisionId);
    if (!entry) return null;
    state.answeredHere = state.answeredHere.filter(([id]) => id !== decisionId);
    const point = state.points[entry[1]]!;
    const { by, shortfall, checked } = label(point.state);
    const s = point.state;
    const shadow = checked
      ? { checks: (point.shadow?.checks ?? 0) + 1, shortfalls: (point.shadow?.shortfalls ?? 0) + (shortfall ? 1 : 0) }
      : point.shadow;
    state.points[entry[1]] = {
      ...point,
      state: {
        ...s,
        threshold: Math.min(s.bounds[1], s.threshold + by),
        falseAcceptances: s.falseAcceptances + (shortfall ? 1 : 0),
      },
      ...(shadow ? { shadow } : {}),
    };
    await save();
    return describe(entry[1]);
  }

  return {
    thresholdFor: (point, calibrated) => state.points[keyOf(point)]?.state.threshold ?? calibrated,
    async recordDecision(decisionId, point, calibrated, score) {
      const k = keyOf(point);
      const current = state.points[k]?.state ?? startOnlineThreshold(calibrated, point.riskLevel, stepSize, bounds);
      const accepted = score >= current.threshold;
      if (accepted)
        state.answeredHere = [...state.answeredHere, [decisionId, k] as [string, string]].slice(-REMEMBERED);
      // Under the selective promise the error rate is over the answers given here, so a deferred
      // prompt is no step; under marginal CRC it is over all prompts, and each lowers τ by γα.
      const step = accepted || !selective;
      state.points[k] = {
        ...state.points[k],
        state: step ? updateOnlineThreshold(current, { score, edgeBetter: false }) : current,
        calibrated,
      };
      await save();
    },
    recordFellShort: (decisionId) => correct(decisionId, (s) => ({ by: s.stepSize, shortfall: true })),
    recordShadowVerdict(decisionId, edgeBetter, rate) {
      if (!(rate > 0 && rate <= 1)) return Promise.resolve(null);
      return correct(decisionId, (s) => ({
        by: edgeBetter ? s.stepSize / rate : 0,
        shortfall: edgeBetter,
        checked: true,
      }));
    },
    status: () => Object.keys(state.points).map(describe),
  };
}
