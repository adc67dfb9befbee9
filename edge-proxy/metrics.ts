/**
 * @module metrics
 * Prometheus metrics (prom-client) on a registry of the app's own, served at GET /metrics.
 */
import { Counter, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  const m = {
    registry,
    requests: new Counter({
      name: 'riskgate_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'riskgate_decisions_total',
      help: 'Routing decisions reported by clients (x-router / router field) and served here',
      labelNames: ['decision'] as const,
      registers: [registry],
    }),
    upstreamTtft: new Histogram({
      name: 'riskgate_upstream_ttft_seconds',
      help: 'Time to first token per upstream',
      labelNames: ['upstream'] as const,
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: 'riskgate_upstream_duration_seconds',
      help: 'Whole answer duration per upstream',
      labelNames: ['upstream'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    tokens: new Counter({
      name: 'riskgate_tokens_total',
      help: 'Tokens served per upstream and kind',
      labelNames: ['upstream', 'kind'] as const,
      registers: [registry],
    }),
    cost: new Counter({
      name: 'riskgate_cost_usd_total',
      help: 'Estimated USD spent per upstream',
      labelNames: ['upstream'] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'riskgate_errors_total',
      help: 'Errors by code (and upstream attempt failures by upstream)',
      labelNames: ['code', 'upstream'] as const,
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
