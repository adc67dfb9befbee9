/**
 * @module tracing-export
 * Turns the proxy's spans (tracing.ts) on: an OTLP/HTTP exporter to the collector named by
 * `otel_traces_endpoint`, or by OpenTelemetry's own `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` /
 * `OTEL_EXPORTER_OTLP_ENDPOINT`. Neither set: nothing is registered and every span is a no-op.
 */
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ProxyConfig } from './config.js';
import { setTracing } from './tracing.js';

export type Tracing = { readonly endpoint: string; shutdown(): Promise<void> };

/** The traces URL: the config's, else OTel's per-signal env var, else its base endpoint + /v1/traces. */
export function tracesEndpoint(config: Pick<ProxyConfig, 'otel_traces_endpoint'>, env: NodeJS.ProcessEnv) {
  if (config.otel_traces_endpoint) return config.otel_traces_endpoint;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/$/, '')}/v1/traces` : undefined;
}

export function startTracing(
  config: Pick<ProxyConfig, 'otel_traces_endpoint' | 'otel_service_name'>,
  env: NodeJS.ProcessEnv = process.env,
): Tracing | undefined {
  const endpoint = tracesEndpoint(config, env);
  if (!endpoint) return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.otel_service_name }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }))],
  });
  trace.setGlobalTracerProvider(provider);
  setTracing(true);
  return {
    endpoint,
    async shutdown() {
      setTracing(false);
      await provider.shutdown(); // flushes what is batched
      trace.disable();
    },
  };
}
