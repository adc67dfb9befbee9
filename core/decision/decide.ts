/**
 * @module decision/decide
 * One prompt's decision once it is prefilled: read the representation, score it with the margin
 * gate (ĝ(h, λ), METHODS §CR² eq. 3), ask the threshold policy for τ (threshold-policy.ts), and
 * answer locally when ĝ ≥ τ, else defer. A prompt that never reaches the gate (no engine, or too
 * long for the local window) is deferred with the τ its point would have had.
 */
import type { ThresholdsFile } from '../calibration/threshold-table.js';
import type { Prefill } from '../protocol/local-engine.js';
import type { MarginGate } from '../protocol/margin-gate.js';
import type { Decision, RouteRequest, ThresholdsSource } from '../protocol/worker-api.js';
import { promiseOf } from './promise.js';
import type { ThresholdPolicy, ThresholdReading } from './threshold-policy.js';

/** What a decision is made with: the policy, and the table whose promise it keeps. */
export type DecisionGround = {
  readonly policy: ThresholdPolicy;
  readonly thresholds: ThresholdsFile;
  readonly thresholdsSource: ThresholdsSource;
};

/** The scoring half: the gate, and how it reads a prefill (decision 021: hidden state or logit sketch). */
export type Scorer = { readonly gate: MarginGate; readonly readRepresentation: (prefill: Prefill) => Float32Array };

export type PromptContext = {
  /** Names the decision (for late labels); made by the caller, so this module needs no randomness. */
  readonly id: string;
  readonly request: RouteRequest;
  readonly engine: Decision['engine'];
  /** Earlier messages the local model did not read (history window, decision 015). */
  readonly droppedMessages: number;
};

export type GatedDecision = {
  readonly decision: Decision;
  readonly representation: Float32Array;
  readonly gateMs: number;
};

function decisionOf(
  context: PromptContext,
  ground: DecisionGround,
  reading: ThresholdReading,
): Omit<Decision, 'path' | 'reason' | 'score' | 'model'> {
  const { request } = context;
  return {
    id: context.id,
    mode: request.mode,
    costWeight: request.costWeight,
    riskLevel: request.riskLevel,
    thresholdsSource: ground.thresholdsSource,
    promise: promiseOf(ground.thresholds),
    group: reading.group,
    threshold: reading.threshold,
    calibratedThreshold: reading.calibrated,
    cost: reading.cost,
    engine: context.engine,
    droppedMessages: context.droppedMessages,
  };
}

/** Deferred before any gate: the edge-only rung (`no-engine`) or a prompt too long to read here (`context`). */
export function deferBeforeGate(
  context: PromptContext,
  ground: DecisionGround,
  reason: 'no-engine' | 'context',
  promptTokens: number,
): Decision {
  const reading = ground.policy.read({ ...context.request, promptTokens, representation: undefined });
  return { ...decisionOf(context, ground, reading), path: 'edge', reason, score: NaN, model: 'edge' };
}

export async function decide(
  prefill: Prefill,
  context: PromptContext,
  ground: DecisionGround,
  scorer: Scorer,
  localModel: string,
): Promise<GatedDecision> {
  const { request } = context;
  const started = performance.now();
  const representation = scorer.readRepresentation(prefill);
  const score = await scorer.gate.score(representation, request.costWeight);
  const reading = ground.policy.read({ ...request, promptTokens: prefill.tokenCount, representation });
  const gateMs = performance.now() - started;
  const path = request.mode === 'auto' ? (score >= reading.threshold ? 'local' : 'edge') : request.mode;
  await reading.settle(context.id, score);
  return {
    decision: {
      ...decisionOf(context, ground, reading),
      path,
      reason: request.mode === 'auto' ? 'gate' : 'forced',
      score,
      model: path === 'local' ? localModel : 'edge',
    },
    representation,
    gateMs,
  };
}
