/**
 * @module chat-ladder
 * Which edge models may answer one chat request, best first: the selector ranks them by utility
 * (from the request's representation when it carries one), the caller's allow-list and the
 * parameters the request sets and the answer length it asks for (each model's declared
 * `max_output_tokens`) narrow them, and `stop` is applied here for all.
 */
import { decodeRepresentation } from '../core/representation/wire.js';
import type { ProxyConfig } from './config.js';
import { errorResponse } from './chat-failure.js';
import { firstUnmet, type ReadRequest } from './openai-compat.js';
import { openAiError } from './openai-error.js';
import type { QualityPredictor } from './quality-predictor.js';
import type { ChatRequest } from './request-schema.js';
import type { Candidate, EdgeSelector } from './selector.js';
import type { UpstreamRequest } from './upstream/upstream.js';
import { withStop } from './upstream/with-stop.js';

/** The request as every upstream reads it. Nothing injected: an unset parameter is the upstream's own default. */
export function upstreamRequestOf(body: ChatRequest, read: ReadRequest): UpstreamRequest {
  return {
    messages: read.messages,
    extra: read.extra,
    ...(read.openAiMessages ? { openAiMessages: read.openAiMessages } : {}),
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    seed: body.seed ?? undefined,
  };
}

/**
 * Q̂_m from the request's representation, or undefined (priors) when there is none or it does not
 * fit: another width, or another representation of the same width (a hidden state and a logit
 * sketch are both 64-d for stories260K; reading one as the other would rank models on noise).
 */
async function predictQuality(predictor: QualityPredictor | undefined, router: ChatRequest['router']) {
  const representation = router?.representation;
  if (!predictor || !representation) return undefined;
  const model = router.representation_model;
  if (model && predictor.representationModelId && model !== predictor.representationModelId) return undefined;
  const vector = decodeRepresentation(representation);
  return vector?.length === predictor.dim ? predictor.predict(vector) : undefined;
}

export type ChosenLadder = { readonly ladder: readonly Candidate[]; readonly predicted: boolean };

export type LadderInputs = {
  readonly config: ProxyConfig;
  readonly selector: EdgeSelector;
  readonly qualityPredictor?: QualityPredictor | undefined;
  readonly body: ChatRequest;
  readonly read: ReadRequest;
  readonly request: UpstreamRequest;
  readonly requestId: string;
  /** The models this caller's key may use (`auto` chooses among them only); absent = all. */
  readonly allowed?: ReadonlySet<string> | undefined;
};

/** The ladder to serve down, or the error response when no edge model here may or can answer. */
export async function chooseLadder(inputs: LadderInputs): Promise<ChosenLadder | Response> {
  const { config, body, read, request, allowed } = inputs;
  const headers = { 'x-request-id': inputs.requestId };
  const pinned = body.model && body.model !== 'auto' ? body.model : undefined;
  const predicted = await predictQuality(inputs.qualityPredictor, body.router);
  const outputTokens = Math.min(request.maxTokens ?? Infinity, config.expected_output_tokens);
  const costWeight = body.router?.cost_weight ?? 0;
  const selection = inputs.selector.select(costWeight, outputTokens, read.messages, pinned, predicted);
  const permitted = allowed ? selection.ladder.filter((c) => allowed.has(c.upstream.model)) : selection.ladder;
  if (permitted.length === 0 && selection.ladder.length > 0) {
    const message = `this key may use ${[...allowed!].join(', ')}, and none of them is served here`;
    return errorResponse(openAiError('model_not_allowed', message, 'model'), headers);
  }
  const asked = request.maxTokens;
  const long = permitted.filter(
    (c) => asked === undefined || c.maxOutputTokens === undefined || asked <= c.maxOutputTokens,
  );
  if (long.length === 0 && permitted.length > 0) {
    const most = Math.max(...permitted.map((c) => c.maxOutputTokens ?? 0));
    const param = body.max_completion_tokens ? 'max_completion_tokens' : 'max_tokens';
    const message = `${param} ${asked} is more than any edge model here writes (at most ${most})`;
    return errorResponse(openAiError('invalid_request', message, param), headers);
  }
  // Only upstreams that can honour every parameter the request sets.
  const ladder = long
    .filter((c) => firstUnmet(read.needs, c.upstream.supports) === undefined)
    .map((c) => (read.stop.length > 0 ? { ...c, upstream: withStop(c.upstream, read.stop) } : c));
  if (ladder.length === 0 && long.length > 0) {
    const unmet = firstUnmet(read.needs, long[0]!.upstream.supports)!;
    if (unmet === 'vision') {
      const message = `image_url parts: no edge model ${pinned ? `(${pinned}) ` : ''}here reads images`;
      return errorResponse(openAiError('unsupported_parameter', message, read.imagesAt ?? 'messages'), headers);
    }
    const message = `${unmet}: no edge model ${pinned ? `(${pinned}) ` : ''}here honours it`;
    return errorResponse(openAiError('unsupported_parameter', message, unmet), headers);
  }
  return { ladder, predicted: predicted !== undefined };
}
