/**
 * @module render/operating-point
 * The two choices a visitor makes, in plain words. "Cheaper ↔ Better" is a slider over the
 * calibrated cost weights λ (U = quality − λ·cost, METHODS §CR²): more weight on cost = cheaper.
 * The second control picks the risk level α, in the words of what the thresholds really promise
 * (core/decision/promise.ts: selective by default, "of the answers given on this device"; marginal
 * CRC says "of all messages"). The Greek letters stay in the details.
 */
import { html, nothing } from 'lit';
import type { RiskPromise } from '../../core/decision/promise.js';
import type { WorkerStatus } from '../../core/protocol/worker-api.js';
import type { WidgetStrings } from '../strings/strings.js';

export type OperatingPointProps = {
  readonly t: WidgetStrings;
  readonly costWeights: readonly number[];
  readonly riskLevels: readonly number[];
  readonly costWeight: number;
  readonly riskLevel: number;
  /** Calibration could not certify this point: every message goes to the larger model. */
  readonly uncertified: boolean;
  /** What the loaded thresholds promise; undefined while loading (the selective words are shown). */
  readonly promise: RiskPromise | undefined;
  /** Every operating point is uncertified: the device's model was not good enough for any. */
  readonly nothingCertified: boolean;
  /** The adaptive threshold at this point: its mean move from the calibrated τ, and the reports it learned from. */
  readonly adapted: AdaptedSummary | undefined;
  readonly onCostWeight: (value: number) => void;
  readonly onRiskLevel: (value: number) => void;
};

/**
 * The adaptive threshold at this point: its mean move from the calibrated τ, the reports it learned
 * from, and the shadow checks (decision 024): answers given here the larger model was asked too,
 * with how many it beat, out of `decisions` decided at this point while checking at rate ρ.
 */
export type AdaptedSummary = {
  readonly drift: number;
  readonly reportedShortfalls: number;
  readonly shadowChecks: number;
  readonly shadowShortfalls: number;
  readonly decisions: number;
  readonly shadowRate: number;
};

/** The picker's view of the loaded status (before it loads: only the element's own point). */
export function operatingPointOf(
  status: WorkerStatus | undefined,
  costWeight: number,
  riskLevel: number,
): Pick<OperatingPointProps, 'costWeights' | 'riskLevels' | 'uncertified' | 'promise' | 'nothingCertified'> {
  const grid = status?.grid;
  return {
    costWeights: grid?.costWeights ?? [costWeight],
    riskLevels: grid?.riskLevels ?? [riskLevel],
    uncertified: status?.uncertified.some((p) => p.costWeight === costWeight && p.riskLevel === riskLevel) ?? false,
    promise: status?.promise,
    nothingCertified:
      grid !== undefined && status!.uncertified.length === grid.costWeights.length * grid.riskLevels.length,
  };
}

/** A local engine runs and calibration certified at least one operating point. */
export function mayAnswerHere(status: WorkerStatus | undefined): boolean {
  if (!status?.engine) return false;
  return status.uncertified.length < status.grid.costWeights.length * status.grid.riskLevels.length;
}

const nearestIndex = (values: readonly number[], target: number) =>
  values.reduce((best, v, i) => (Math.abs(v - target) < Math.abs(values[best]! - target) ? i : best), 0);

const LOADING_PROMISE: RiskPromise = { guarantee: 'selective', delta: null, labelsModel: '' };

/** Plain words for where feedback moved τ: a higher τ answers here less often. */
function adaptedNote(adapted: OperatingPointProps['adapted'], riskLevel: number, t: WidgetStrings) {
  // Silent prompts lower τ a little each; say so once it adds up, or once a visitor reported one.
  if (!adapted || (adapted.reportedShortfalls === 0 && adapted.shadowChecks === 0 && Math.abs(adapted.drift) < 0.05))
    return nothing;
  const fewer = adapted.drift > 0;
  const sources = [
    ...(adapted.reportedShortfalls > 0 ? [t.reported(adapted.reportedShortfalls)] : []),
    ...(adapted.shadowChecks > 0 ? [t.shadowChecked] : []),
  ];
  const moved = Math.abs(adapted.drift) >= 0.05 ? (fewer ? t.answersLess : t.answersMore) : t.noChange;
  return html`<small class="note adapted" role="status">${t.adjusted}${sources.length ? ` (${sources.join(` ${t.and} `)})` : ''}: ${moved}.</small>${driftNote(adapted, riskLevel, t)}`;
}

/**
 * The drift indicator: the share of all messages where the device answered and the larger model
 * would have done better, estimated from the checks (each stands for 1/ρ answers: decision 024).
 */
function driftNote(a: AdaptedSummary, riskLevel: number, t: WidgetStrings) {
  if (a.shadowChecks === 0 || a.shadowRate <= 0 || a.decisions === 0) return nothing;
  const estimate = Math.min(1, a.shadowShortfalls / a.shadowRate / a.decisions);
  const over = estimate > riskLevel + 0.02;
  const words = t.drift(
    a.shadowChecks,
    a.shadowShortfalls,
    Math.round(estimate * 100),
    Math.round(riskLevel * 100),
    over,
  );
  return html`<small class="note drift" role="status" data-drift=${over ? 'over' : 'within'}>${words}</small>`;
}

export function renderOperatingPoint(p: OperatingPointProps) {
  // Slider left = cheaper (largest λ), right = better (smallest λ).
  const weights = [...p.costWeights].sort((a, b) => b - a);
  const index = nearestIndex(weights, p.costWeight);
  const { t } = p;
  const words = t.promise(p.promise ?? LOADING_PROMISE);
  const uncertifiedNote = p.nothingCertified ? t.nothingCertified : t.uncertified;
  const position = index === 0 ? t.cheapest : index === weights.length - 1 ? t.best : t.balanced;
  return html`
    <fieldset class="operating-point" part="controls">
      <legend class="sr-only">${t.howChosen}</legend>
      <div class="control">
        <label for="tradeoff">${t.tradeoff} <span aria-hidden="true">↔</span> ${t.tradeoffBetter}</label>
        <input id="tradeoff" name="tradeoff" type="range" min="0" max=${Math.max(0, weights.length - 1)} step="1" .value=${String(index)}
          aria-valuetext=${`${index + 1} / ${weights.length}: ${position}`}
          aria-describedby="tradeoff-help"
          @change=${(e: Event) => p.onCostWeight(weights[Number((e.target as HTMLInputElement).value)]!)} />
        <small id="tradeoff-help">${t.tradeoffHelp}</small>
      </div>
      <div class="control">
        <label for="risk">${words.label}</label>
        <select id="risk" name="risk" aria-describedby="risk-help" @change=${(e: Event) => p.onRiskLevel(Number((e.target as HTMLSelectElement).value))}>
          ${p.riskLevels.map((a) => html`<option value=${a} ?selected=${a === p.riskLevel}>${words.option(a)}</option>`)}
        </select>
        <small id="risk-help">${words.help}</small>
        ${p.uncertified ? html`<small class="note" role="status">${uncertifiedNote}</small>` : nothing}
        ${adaptedNote(p.adapted, p.riskLevel, t)}
      </div>
    </fieldset>`;
}
