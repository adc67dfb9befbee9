/**
 * @module data/usable-records
 * The records a routing experiment can use: those with an outcome for the local model and for at
 * least one edge model. None at all is a configuration mistake (roles that name no model in the
 * data), reported with the models the data does have, not an empty run that crashes later.
 */
import { RouterError } from '../errors.js';
import type { Roles, RoutingRecord } from './routing-dataset.js';

export function usableRecords(records: readonly RoutingRecord[], roles: Roles): RoutingRecord[] {
  const usable = records.filter(
    (r) => r.outcomes[roles.local] !== undefined && roles.edge.some((m) => r.outcomes[m] !== undefined),
  );
  if (usable.length === 0) {
    const models = [...new Set(records.flatMap((r) => Object.keys(r.outcomes)))].sort();
    throw new RouterError(
      'invalid_request',
      records.length === 0
        ? 'the data holds no records'
        : `no record has outcomes for the local model "${roles.local}" and an edge model (${roles.edge.join(', ')}); the data's models are: ${models.slice(0, 20).join(', ')}${models.length > 20 ? ', …' : ''}`,
    );
  }
  return usable;
}
