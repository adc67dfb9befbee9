/**
 * @module controllers/threshold-feedback
 * The widget's side of the adaptive threshold (decision 022) and the shadow checks (decision 024):
 * it keeps the picker's view of each adapted point, draws which answers given here are also checked
 * against the larger model, runs those checks, and passes the visitor's "not good enough" to the
 * worker. τ itself is the worker's (core/decision/refinements/adaptive.ts); this only labels and shows.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage } from '../../core/protocol/chat.js';
import type {
  Decision,
  OnlinePointStatus,
  RouterWorkerApi,
  ShadowCheckRequest,
  WorkerStatus,
} from '../../core/protocol/worker-api.js';
import type { AdaptedSummary } from '../render/operating-point.js';

/** Draws that are still waiting for their answer (the last ones decided here). */
const REMEMBERED_DRAWS = 256;

export type ThresholdFeedbackOptions = {
  readonly remote: () => Pick<RouterWorkerApi, 'reportFellShort' | 'shadowCheck'> | undefined;
  /** ρ = `shadow-rate`. */
  readonly shadowRate: () => number;
  readonly adaptsFromFeedback: () => boolean;
  readonly check: () => Pick<ShadowCheckRequest, 'endpoint' | 'maxTokens'>;
  readonly authorization: () => Promise<string | undefined>;
  readonly emit: (name: 'riskgate-threshold' | 'riskgate-shadow', detail: object) => void;
  /** The shadow draw's randomness (seeded in tests). */
  readonly random?: () => number;
  /** Wait before the one retry of a check that failed for a reason that may pass. */
  readonly retryDelayMs?: number;
};

export class ThresholdFeedback implements ReactiveController {
  /** The adaptive thresholds as last reported by the worker, per operating point (and cluster). */
  #adapted: readonly OnlinePointStatus[] = [];
  /**
   * The shadow draw is made when the gate decides, before the answer exists, so whether a decision
   * is checked cannot depend on how its answer went (a stopped answer is checked like any other);
   * that independence is what makes the 1/ρ weight unbiased (decision 024).
   */
  readonly #draws = new Map<string, number>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: ThresholdFeedbackOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  get adapted(): readonly OnlinePointStatus[] {
    return this.#adapted;
  }

  loaded(status: WorkerStatus): void {
    this.#set(status.online ?? []);
  }

  /** A gate decision: draw its shadow check, and follow an adaptive τ (it moves with every decision). */
  decided(decision: Decision): void {
    const rate = this.options.shadowRate();
    if (decision.path === 'local' && decision.reason === 'gate' && rate > 0) {
      if ((this.options.random ?? Math.random)() < rate) this.#draws.set(decision.id, rate);
      if (this.#draws.size > REMEMBERED_DRAWS) this.#draws.delete(this.#draws.keys().next().value!);
    }
    if (decision.reason !== 'gate' || decision.threshold === decision.calibratedThreshold) return;
    const known = this.#adapted.find((p) => samePoint(p, decision));
    this.#set([
      ...this.#adapted.filter((p) => !samePoint(p, decision)),
      {
        costWeight: decision.costWeight,
        riskLevel: decision.riskLevel,
        group: decision.group,
        threshold: decision.threshold,
        calibrated: decision.calibratedThreshold,
        labels: (known?.labels ?? 0) + 1,
        reportedShortfalls: known?.reportedShortfalls ?? 0,
        shadowChecks: known?.shadowChecks ?? 0,
        shadowShortfalls: known?.shadowShortfalls ?? 0,
      },
    ]);
  }

  /**
   * An answer given here is complete: if its decision was drawn, the larger model answers the same
   * conversation and the proxy's judge compares; the verdict is the adaptive threshold's label and
   * the page gets `riskgate-shadow`. The visitor sees nothing.
   */
  answeredHere(decision: Decision, messages: readonly ChatMessage[], localAnswer: string): void {
    const rate = this.#draws.get(decision.id);
    this.#draws.delete(decision.id);
    const remote = this.options.remote();
    if (rate === undefined || !remote) return;
    void (async () => {
      const authorization = await this.options.authorization().catch(() => undefined);
      const check = () =>
        remote
          .shadowCheck({
            ...this.options.check(),
            decisionId: decision.id,
            messages: [...messages],
            localAnswer,
            shadowRate: rate,
            costWeight: decision.costWeight,
            riskLevel: decision.riskLevel,
            ...(authorization ? { authorization } : {}),
          })
          .then(
            (r) => r,
            (error: { code: string; message: string; retryLater?: boolean }) => ({
              error: { code: error.code, message: error.message, retryLater: error.retryLater === true },
            }),
          );
      // A check that failed for a reason that may pass is tried once more; one that still fails is
      // reported (riskgate-shadow with its error), so the page can count the labels it lost.
      let result = await check();
      if ('error' in result && result.error.retryLater) {
        await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 2_000));
        result = await check();
      }
      if ('point' in result && result.point) this.#moved(result.point);
      this.options.emit('riskgate-shadow', { decision: { ...decision }, ...result });
    })();
  }

  /** The visitor's "not good enough" is the label the adaptive threshold learns from. */
  async fellShort(decision: Decision): Promise<void> {
    if (!this.options.adaptsFromFeedback()) return;
    const point = await this.options
      .remote()
      ?.reportFellShort(decision.id)
      .catch(() => null);
    if (point) this.#moved(point);
  }

  /** The picker's summary at the chosen point (over clusters, under per-cluster control). */
  summaryAt(costWeight: number, riskLevel: number): AdaptedSummary | undefined {
    const here = this.#adapted.filter((p) => p.costWeight === costWeight && p.riskLevel === riskLevel);
    if (here.length === 0) return undefined;
    const sum = (f: (p: OnlinePointStatus) => number) => here.reduce((s, p) => s + f(p), 0);
    return {
      drift: sum((p) => p.threshold - p.calibrated) / here.length,
      reportedShortfalls: sum((p) => p.reportedShortfalls),
      shadowChecks: sum((p) => p.shadowChecks),
      shadowShortfalls: sum((p) => p.shadowShortfalls),
      decisions: sum((p) => p.labels),
      shadowRate: this.options.shadowRate(),
    };
  }

  /** A label moved an adaptive threshold: the picker follows it and the page is told (`riskgate-threshold`). */
  #moved(point: OnlinePointStatus): void {
    this.#set([...this.#adapted.filter((p) => !samePoint(p, point)), point]);
    this.options.emit('riskgate-threshold', { ...point });
  }

  #set(adapted: readonly OnlinePointStatus[]): void {
    this.#adapted = adapted;
    this.host.requestUpdate();
  }
}

const samePoint = (
  a: Pick<OnlinePointStatus, 'costWeight' | 'riskLevel' | 'group'>,
  b: Pick<OnlinePointStatus, 'costWeight' | 'riskLevel' | 'group'>,
) => a.costWeight === b.costWeight && a.riskLevel === b.riskLevel && a.group === b.group;
