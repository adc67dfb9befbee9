/**
 * @module decision/validate-request
 * A route request the decision can be made on, or a RouterError with code `invalid_request`.
 */
import { RouterError } from '../errors.js';
import type { RouteRequest } from '../protocol/worker-api.js';

export function validateRouteRequest(request: RouteRequest): void {
  const last = request.messages.at(-1);
  if (!last) throw new RouterError('invalid_request', 'messages must not be empty');
  if (last.role !== 'user' || typeof last.content !== 'string' || last.content.trim() === '') {
    throw new RouterError('invalid_request', 'the last message must be a non-empty user message');
  }
  if (!Number.isFinite(request.costWeight) || request.costWeight < 0) {
    throw new RouterError('invalid_request', `costWeight must be a number ≥ 0, not ${request.costWeight}`);
  }
  if (!Number.isFinite(request.riskLevel) || request.riskLevel <= 0 || request.riskLevel >= 1) {
    throw new RouterError('invalid_request', `riskLevel must be in (0, 1), not ${request.riskLevel}`);
  }
  if (!['auto', 'local', 'edge'].includes(request.mode)) {
    throw new RouterError('invalid_request', `mode must be auto, local or edge, not ${String(request.mode)}`);
  }
}
