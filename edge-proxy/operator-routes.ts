/**
 * @module operator-routes
 * GET /health, /metrics and /v1/models. /metrics and /health's details name upstreams, costs and
 * auth: for operators only (issue 24, S11); anyone gets /health's one-word status. /v1/models
 * lists what the caller may use: a virtual key limited to some models sees those (and its aliases).
 */
import type { Hono } from 'hono';
import type { Fail, ProxyContext, Vars } from './app-context.js';
import { bearerOf } from './caller.js';
import type { createBreakers } from './circuit-breakers.js';
import type { Metrics } from './metrics.js';
import { openAiError } from './openai-error.js';
import type { Candidate, createEdgeSelector } from './selector.js';
import { allowedModels } from './virtual-keys.js';

export type OperatorDeps = {
  readonly selector: ReturnType<typeof createEdgeSelector>;
  readonly breakers: ReturnType<typeof createBreakers>;
  readonly metrics: Metrics;
  readonly fail: Fail;
  readonly authOn: boolean;
  /** How callers are checked, for /health's details: bearer, widget-token, both, or off. */
  readonly authMode: string;
  readonly metricsToken: string | undefined;
  readonly sharedStateHealthy: (() => boolean) | undefined;
  /** The model aliases now in force (a reload may replace them). */
  readonly aliases: () => Readonly<Record<string, string>>;
};

export function addOperatorRoutes(app: Hono<Vars>, deps: OperatorDeps): void {
  const { selector, breakers, metrics, fail } = deps;
  const operator = (c: ProxyContext) =>
    deps.metricsToken !== undefined ? bearerOf(c.req.header('authorization')) === deps.metricsToken : !deps.authOn;
  app.get('/health', (c) => {
    const upstreams = selector.candidates.map((k) => ({
      id: k.upstream.id,
      kind: k.upstream.kind,
      state: breakers.state(k.upstream.id),
      ttft_ms: Math.round(k.ttftMs),
      tokens_per_s: Math.round(k.tokensPerSecond),
    }));
    const down = upstreams.filter((u) => u.state === 'open').length;
    const sharedState = deps.sharedStateHealthy ? (deps.sharedStateHealthy() ? 'ok' : 'unreachable') : 'memory';
    // Degraded: some upstream's circuit is open, or the shared state is unreachable; down: no upstream can answer.
    const status =
      down === upstreams.length && down > 0 ? 'down' : down > 0 || sharedState === 'unreachable' ? 'degraded' : 'ok';
    const code = status === 'down' ? 503 : 200;
    // CORP: a page with COEP may probe /health without CORS, to tell "offline" from "this origin
    // is refused" (workers/edge-client.ts); what it can read of it is nothing (an opaque response).
    c.header('cross-origin-resource-policy', 'cross-origin');
    if (!operator(c)) return c.json({ status }, code);
    return c.json({ status, auth: deps.authMode, shared_state: sharedState, upstreams }, code);
  });
  app.get('/metrics', async (c) => {
    if (!operator(c))
      return fail(openAiError('unauthorized', '/metrics needs the metrics token (metrics_token_env)'), {
        'www-authenticate': 'Bearer realm="riskgate-metrics"',
      });
    return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
  });
  // `owned_by` says what serves it; a `replay` model answers only the prompts it has recordings of.
  const modelObject = (k: Candidate) => ({
    id: k.upstream.model,
    object: 'model',
    created: 0,
    owned_by: k.upstream.kind,
    ...(k.upstream.kind === 'replay' ? { recorded_prompts_only: true } : {}),
  });
  const mayUse = (c: ProxyContext) => {
    const allowed = allowedModels(c.get('key'), deps.aliases());
    return allowed ? selector.candidates.filter((k) => allowed.has(k.upstream.model)) : selector.candidates;
  };
  app.get('/v1/models', (c) => c.json({ object: 'list', data: mayUse(c).map(modelObject) }));
  app.get('/v1/models/:id{.+}', (c) => {
    const found = mayUse(c).find((k) => k.upstream.model === c.req.param('id'));
    return found
      ? c.json(modelObject(found))
      : fail(openAiError('invalid_model', `model ${c.req.param('id')} is not served here`, 'model'));
  });
}
