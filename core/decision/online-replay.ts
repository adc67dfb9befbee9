/**
 * @module decision/online-replay
 * Replays a labelled stream through the widget's own threshold stack (the table, then the adaptive
 * refinement, composed as the worker composes it) next to the static calibrated τ, and reports
 * each group's realised false-acceptance rate under both (issue 15: "static CRC vs adaptive on a
 * shifted stream"). By default every answer given here is labelled, as if every visitor reported
 * every shortfall: the replay measures the mechanism, not the reporting. With a shadow rate, only
 * judged answers are (the widget's unbiased label source, decision 024), drawn with a seed.
 */
import { createRandom } from '../sampling.js';
import { createAdaptiveThresholds, type AdaptiveSettings } from './adaptive-thresholds.js';
import { adaptive } from './refinements/adaptive.js';
import { composePolicy, type OperatingPoint, type ThresholdPolicy } from './threshold-policy.js';

export type StreamItem = { readonly group: string; readonly score: number; readonly edgeBetter: boolean };
export type ReplayGroup = {
  readonly group: string;
  readonly n: number;
  readonly staticRisk: number;
  readonly adaptiveRisk: number;
  readonly adaptiveAcceptRate: number;
};
export type ReplayResult = {
  readonly groups: ReplayGroup[];
  readonly staticRisk: number;
  readonly adaptiveRisk: number;
  readonly finalThreshold: number;
  /** Labels the adaptive loop saw: every answer given here, or with a shadow rate only the judged ones (judge calls). */
  readonly labels: number;
};

export type ReplayOptions = AdaptiveSettings & {
  readonly point: OperatingPoint;
  /** τ the table gives at the point: the static rule, and where adaptation starts. */
  readonly calibrated: number;
  readonly shadowRate?: number;
  readonly seed?: number;
};

/** The table beneath the widget's refinements, reduced to the one point being replayed. */
function fixedPolicy(point: OperatingPoint, threshold: number): ThresholdPolicy {
  return {
    read: () => ({
      threshold,
      calibrated: threshold,
      table: threshold,
      offset: 0,
      point,
      group: null,
      cost: null,
      settle: async () => {},
    }),
    label: async () => null,
    status: () => ({ riskControl: 'marginal', costModel: 'calibrated', online: null }),
  };
}

export async function replayOnline(stream: readonly StreamItem[], options: ReplayOptions): Promise<ReplayResult> {
  const online = createAdaptiveThresholds(options);
  const policy = composePolicy(fixedPolicy(options.point, options.calibrated), [adaptive(online)]);
  const query = { ...options.point, mode: 'auto' as const, promptTokens: 0, representation: undefined };
  const draw = createRandom(options.seed ?? 1);
  let labels = 0;
  let adaptiveErr = 0;
  let staticErr = 0;
  const tally = new Map<string, { n: number; staticErr: number; adaptiveErr: number; adaptiveAccepted: number }>();
  let id = 0;
  for (const item of stream) {
    const reading = policy.read(query);
    const accepted = item.score >= reading.threshold;
    const decisionId = String(id++);
    await reading.settle(decisionId, item.score);
    const staticError = item.score >= options.calibrated && item.edgeBetter ? 1 : 0;
    const adaptiveError = accepted && item.edgeBetter ? 1 : 0;
    const t = tally.get(item.group) ?? { n: 0, staticErr: 0, adaptiveErr: 0, adaptiveAccepted: 0 };
    t.n++;
    t.staticErr += staticError;
    t.adaptiveErr += adaptiveError;
    t.adaptiveAccepted += accepted ? 1 : 0;
    tally.set(item.group, t);
    staticErr += staticError;
    adaptiveErr += adaptiveError;
    if (!accepted) continue; // a deferred prompt cannot be a false acceptance: nothing to label
    if (options.shadowRate === undefined) {
      labels++;
      if (item.edgeBetter) await policy.label(decisionId, { kind: 'fell-short' });
    } else if (draw() < options.shadowRate) {
      labels++;
      await policy.label(decisionId, { kind: 'shadow', edgeBetter: item.edgeBetter, rate: options.shadowRate });
    }
  }
  const n = Math.max(1, stream.length);
  return {
    groups: [...tally].map(([group, t]) => ({
      group,
      n: t.n,
      staticRisk: t.staticErr / t.n,
      adaptiveRisk: t.adaptiveErr / t.n,
      adaptiveAcceptRate: t.adaptiveAccepted / t.n,
    })),
    staticRisk: staticErr / n,
    adaptiveRisk: adaptiveErr / n,
    finalThreshold: policy.read(query).threshold,
    labels,
  };
}
