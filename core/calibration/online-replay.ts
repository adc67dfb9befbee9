/**
 * @module calibration/online-replay
 * Replays a labelled stream through the widget's adaptive threshold (ACI, online-threshold.ts)
 * next to the static calibrated τ, and reports each group's realised false-acceptance rate under
 * both (issue 15: "static CRC vs adaptive on a shifted stream"). By default every prompt is a
 * label, as if every visitor reported every shortfall: the replay measures the mechanism, not the
 * reporting. With a shadow rate, only judged prompts are (the widget's unbiased label source).
 */
import { createRandom } from '../sampling.js';
import { startOnlineThreshold, updateOnlineThreshold, updateOnlineThresholdSampled } from './online-threshold.js';

export type StreamItem = { readonly group: string; readonly score: number; readonly edgeBetter: boolean };
export type ReplayGroup = { readonly group: string; readonly n: number; readonly staticRisk: number; readonly adaptiveRisk: number; readonly adaptiveAcceptRate: number };
export type ReplayResult = {
  readonly groups: ReplayGroup[]; readonly staticRisk: number; readonly adaptiveRisk: number; readonly finalThreshold: number;
  /** Labels the adaptive loop saw: every prompt, or with a shadow rate only the judged ones (judge calls). */
  readonly labels: number;
};

/**
 * `shadowRate`: the loop sees a prompt's label only when it accepted the prompt and a seeded draw
 * below ρ chose it for a judge (decision 024); deferred prompts are err = 0 exactly. Realised risk
 * is still counted on every prompt's true label.
 */
export type ReplayOptions = { calibrated: number; riskLevel: number; stepSize: number; bounds: readonly [number, number]; shadowRate?: number; seed?: number };

export function replayOnline(stream: readonly StreamItem[], options: ReplayOptions): ReplayResult {
  let state = startOnlineThreshold(options.calibrated, options.riskLevel, options.stepSize, options.bounds);
  const draw = createRandom(options.seed ?? 1);
  let labels = 0;
  let realisedErr = 0;
  const tally = new Map<string, { n: number; staticErr: number; adaptiveErr: number; adaptiveAccepted: number }>();
  let staticErr = 0;
  for (const item of stream) {
    const t = tally.get(item.group) ?? { n: 0, staticErr: 0, adaptiveErr: 0, adaptiveAccepted: 0 };
    const acceptedNow = item.score >= state.threshold;
    const staticError = item.score >= options.calibrated && item.edgeBetter ? 1 : 0;
    t.n++;
    t.staticErr += staticError;
    staticErr += staticError;
    t.adaptiveAccepted += acceptedNow ? 1 : 0;
    t.adaptiveErr += acceptedNow && item.edgeBetter ? 1 : 0;
    tally.set(item.group, t);
    realisedErr += acceptedNow && item.edgeBetter ? 1 : 0;
    if (options.shadowRate === undefined) {
      labels++;
      state = updateOnlineThreshold(state, { score: item.score, edgeBetter: item.edgeBetter });
    } else {
      const checked = acceptedNow && draw() < options.shadowRate;
      labels += checked ? 1 : 0;
      state = updateOnlineThresholdSampled(state, { accepted: acceptedNow, checked, edgeBetter: item.edgeBetter, rate: options.shadowRate });
    }
  }
  const n = Math.max(1, stream.length);
  return {
    groups: [...tally].map(([group, t]) => ({ group, n: t.n, staticRisk: t.staticErr / t.n, adaptiveRisk: t.adaptiveErr / t.n, adaptiveAcceptRate: t.adaptiveAccepted / t.n })),
    staticRisk: staticErr / n,
    adaptiveRisk: realisedErr / n,
    finalThreshold: state.threshold,
    labels,
  };
}
