/**
 * @module route/shadow-check
 * A shadow check (decision 024): the edge answers the conversation of a decision answered here,
 * the proxy's judge says whether that answer was strictly better, and the verdict is the
 * threshold policy's label (it moves an adaptive τ by γ/ρ).
 */
import { RouterError } from '../../core/errors.js';
import type { ShadowCheckRequest, ShadowCheckResult } from '../../core/protocol/worker-api.js';
import type { ThresholdPolicy } from '../../core/decision/threshold-policy.js';
import { judgeAgainstEdge } from '../edge-client.js';
import { DEFAULT_MAX_TOKENS } from './route-prompt.js';

export async function runShadowCheck(policy: ThresholdPolicy, request: ShadowCheckRequest): Promise<ShadowCheckResult> {
  if (!(request.shadowRate > 0 && request.shadowRate <= 1))
    throw new RouterError('invalid_request', `shadowRate must be in (0, 1], not ${request.shadowRate}`);
  const judgement = await judgeAgainstEdge({
    endpoint: request.endpoint,
    messages: request.messages,
    localAnswer: request.localAnswer,
    maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    router: { cost_weight: request.costWeight, risk_level: request.riskLevel, threshold: null },
    ...(request.authorization ? { authorization: request.authorization } : {}),
  });
  const point =
    judgement.verdict === 'undecided'
      ? null
      : await policy.label(String(request.decisionId), {
          kind: 'shadow',
          edgeBetter: judgement.verdict === 'edge_better',
          rate: request.shadowRate,
        });
  return { verdict: judgement.verdict, judgeModel: judgement.judge_model, edge: judgement.edge, point };
}
