/**
 * @module config
 * The proxy's configuration: a JSON file named by `RISKGATE_CONFIG`, validated with zod. Every
 * field is optional and documented with its default; `RISKGATE_TOKENS` and `PROXY_PORT` override.
 * Provider keys live here (or in env vars named here) and never leave the proxy.
 */
import { embeddingModelSchema } from './embeddings.js';
import { virtualKeySchema } from './virtual-keys.js';
import { z } from 'zod';

const modelBase = {
  /** Model id clients may pin (`model`) and that responses report. */
  id: z.string().min(1),
  /** Prior quality in [0,1], used when a request carries no representation or selector.onnx does not know the model. @default 0.5 */
  prior_quality: z.number().min(0).max(1).default(0.5),
  /** Which selector.onnx output predicts this model's quality. @default id */
  quality_model: z.string().optional(),
  /** Price in USD per 1,000 completion tokens (prompt tokens count the same). @default 0 */
  usd_per_1k_tokens: z.number().min(0).default(0),
  /** Latency priors seeding the EWMA: time to first token and decode speed. */
  prior_ttft_ms: z.number().min(0).default(300),
  prior_tokens_per_s: z.number().positive().default(50),
  /**
   * The most this model writes in one answer (its provider's limit). A request asking for more
   * skips it; when no model may, a 400 names `max_tokens`. @default none (a gguf model: its context length)
   */
  max_output_tokens: z.number().int().positive().optional(),
};

export const modelSchema = z.discriminatedUnion('kind', [
  /** The embedded ONNX model (stories260K) generating in onnxruntime-node. */
  z.object({ kind: z.literal('embedded'), ...modelBase }),
  /** A GGUF chat model generating natively (llama.cpp through node-llama-cpp; `riskgate models fetch`). */
  z.object({
    kind: z.literal('gguf'),
    ...modelBase,
    /** The .gguf file, relative to the config file. */
    model_path: z.string().min(1),
    /** @default 2048 */
    context_length: z.number().int().min(64).max(131_072).default(2048),
    /** llama.cpp's CPU threads. @default 2 */
    threads: z.number().int().min(1).max(64).default(2),
  }),
  /** Any OpenAI-compatible server: vLLM, llama.cpp server, Ollama, a hosted API. */
  z.object({
    kind: z.literal('openai'),
    ...modelBase,
    base_url: z.string().url(),
    /** The upstream's own model name. @default id */
    upstream_model: z.string().optional(),
    /** Name of the environment variable holding the API key (never the key itself in a file you commit). */
    api_key_env: z.string().optional(),
    api_key: z.string().optional(),
    /** The model reads image parts (`image_url`); requests with images go only to such models. @default false */
    vision: z.boolean().optional(),
  }),
  /** Real recorded answers of a model from a JSONL file ({prompt, model, response}). */
  z.object({
    kind: z.literal('replay'),
    ...modelBase,
    recordings: z.string(),
    /** The `model` value in the recordings. @default id */
    recorded_model: z.string().optional(),
    /** Simulated decode speed while replaying. @default prior_tokens_per_s */
    replay_tokens_per_s: z.number().positive().optional(),
    /** Simulated time to first token. @default prior_ttft_ms */
    replay_ttft_ms: z.number().min(0).optional(),
  }),
]);

export const configSchema = z
  .object({
    /**
     * OTLP/HTTP traces URL (e.g. http://collector:4318/v1/traces): one span per chat request and
     * one per upstream attempt, GenAI semantic conventions. Also OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT. @default none: off
     */
    otel_traces_endpoint: z.string().url().optional(),
    /** `service.name` of those spans. @default "riskgate-edge-proxy" */
    otel_service_name: z.string().min(1).default('riskgate-edge-proxy'),
    /** @default 8787 */
    port: z.number().int().min(0).max(65535).default(8787),
    /** Interface to listen on; `HOST` overrides. Anything but loopback needs tokens or allow_anonymous. @default "127.0.0.1" */
    host: z.string().min(1).default('127.0.0.1'),
    /** Serve without tokens on a non-loopback address (a public demo; rate limits still apply per client address). @default false */
    allow_anonymous: z.boolean().default(false),
    /** Addresses of reverse proxies whose X-Forwarded-For is believed; others' is ignored. @default [] */
    trusted_proxies: z.array(z.string()).default([]),
    /** Name of the env var holding the secret that signs widget tokens (HS256 JWTs, widget-tokens.ts); none = widget tokens off. */
    widget_token_secret_env: z.string().optional(),
    /** The longest a widget token may live (exp − iat); longer ones, or ones without iat, are refused. @default 3600 */
    widget_token_max_age_s: z.number().int().positive().default(3600),
    /**
     * Names an environment variable holding the token for `/metrics` and the details of `/health`
     * (upstream ids, latencies, auth). Without it, both are open only while auth is off (a loopback
     * demo); with auth on they stay closed: `/metrics` 401, `/health` says only its status.
     */
    metrics_token_env: z.string().optional(),
    /** Bearer tokens accepted on /v1/*. Empty (and no widget token secret) = auth off (said at start). @default [] */
    tokens: z.array(z.string().min(8)).default([]),
    /** Virtual keys (virtual-keys.ts): hashed at rest, each with its own budget, rate, max_tokens and model allow-list. @default [] */
    keys: z.array(virtualKeySchema).default([]),
    /** Models that answer POST /v1/embeddings (OpenAI-compatible `/embeddings`). @default [] */
    embedding_models: z.array(embeddingModelSchema).default([]),
    /** Stable names for served models (`"fast": "mistralai/…"`), usable as `model` and in a key's `models`. @default {} */
    model_aliases: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Origins allowed by CORS (a page on another origin calling the proxy); `CORS_ORIGINS` overrides (comma-separated). `npm start` allows its own app. @default [] */
    cors_origins: z.array(z.string()).default([]),
    /** @default 1000000 */
    max_body_bytes: z.number().int().positive().default(1_000_000),
    /** On SIGTERM, open answers may finish for this long; then streams end with an error event and [DONE]. @default 10000 */
    drain_timeout_ms: z.number().int().min(0).default(10_000),
    /** The whole request body must arrive within this; then 408 `body_timeout` (no slot is held meanwhile). @default 10000 */
    body_read_timeout_ms: z.number().int().positive().default(10_000),
    /** Nesting levels of `[` / `{` a JSON body may have; deeper is a 400 (the caller's fault, never an upstream's). @default 64 */
    max_json_depth: z.number().int().positive().default(64),
    /** A non-stream answer longer than this is cut with an error (streams are not held). @default 1000000 */
    max_answer_chars: z.number().int().positive().default(1_000_000),
    /** Messages per request; more is a 400 naming the limit. @default 512 */
    max_messages: z.number().int().positive().default(512),
    /** Characters of message content per request (all messages); more is a 400 naming the limit. @default 200000 */
    max_prompt_chars: z.number().int().positive().default(200_000),
    /** Chat requests answered at once by this process; more get 503 with Retry-After (a bounded queue, not an unbounded pile). @default 1024 */
    max_concurrent_requests: z.number().int().positive().default(1024),
    /** A whole answer may take this long; then it ends (non-stream: 504 request_timeout; stream: an error event). @default 120000 */
    request_timeout_ms: z.number().int().positive().default(120_000),
    /** Requests waiting per embedded-model thread; more are refused as overloaded (the next rung, or 503). @default 8 */
    embedded_queue_per_thread: z.number().int().positive().default(8),
    /** Requests per minute per token (or per client address with auth off). @default 600 */
    rate_limit_per_minute: z.number().int().positive().default(600),
    /** Redis for the state several instances share (rate limits, budgets, idempotency keys); `REDIS_URL` overrides; none = this process's memory. */
    redis_url: z.string().url().optional(),
    /** Redis down: `closed` answers 503 shared_state_unavailable with Retry-After; `open` uses this process's memory meanwhile. @default closed */
    shared_state_failure: z.enum(['closed', 'open']).default('closed'),
    /** USD a token may spend per UTC day; null = unlimited. @default null */
    budget_usd_per_day: z.number().positive().nullable().default(null),
    /** `: keep-alive` comment interval while waiting for the first token (below first_byte_timeout_ms). @default 5000 */
    keepalive_ms: z.number().int().positive().default(5_000),
    /** Give up on an upstream that sends nothing for this long. @default 30000 */
    upstream_timeout_ms: z.number().int().positive().default(30_000),
    /** An upstream that sends nothing for this long before its first byte is abandoned for the next rung (not retried). @default 10000 */
    first_byte_timeout_ms: z.number().int().positive().default(10_000),
    /** Consecutive failures that open an upstream's circuit (it is then skipped). @default 3 */
    circuit_failures: z.number().int().positive().default(3),
    /** How long an open circuit stays open before one request tries the upstream again. @default 10000 */
    circuit_half_open_ms: z.number().int().positive().default(10_000),
    /** Tries per upstream before the next rung of the failover ladder. @default 2 */
    attempts_per_upstream: z.number().int().min(1).max(5).default(2),
    /** Backoff before a retry, doubled each time. @default 100 */
    backoff_ms: z.number().int().min(0).default(100),
    /** @default 128 */
    default_max_tokens: z.number().int().positive().max(4096).default(128),
    /** Weight of the newest sample in the latency EWMAs. @default 0.2 */
    ewma_weight: z.number().gt(0).lte(1).default(0.2),
    /** Answer length the selector prices a request at: min(max_tokens, this). @default 256 */
    expected_output_tokens: z.number().int().positive().default(256),
    /** Latency (s) that costs as much as 1 USD per 1k tokens in the selector's normalized cost. @default 2 */
    latency_normalizer_s: z.number().positive().default(2),
    /** selector.onnx (per-model quality from the request's representation); null = priors only. @default public/models/selector.onnx when present */
    selector: z.string().nullable().optional(),
    /** Edge models, in tie-break order. */
    models: z.array(modelSchema).min(1).optional(),
    /**
     * The model that judges shadow checks (POST /v1/riskgate/shadow: was the edge's answer strictly
     * better than the device's?), compared pairwise in both orders (decision 024). It answers no
     * chat requests. None = shadow checks are refused with 501 judge_unavailable.
     */
    judge: modelSchema.optional(),
  })
  .strict();

export type ProxyConfig = z.infer<typeof configSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;

/**
 * The embedded defaults: GPT-4 and Mixtral replaying their real GSM8K answers, then TinyLlama
 * generating natively when `riskgate models fetch tinyllama-1.1b-chat` has put its file at
 * `ggufPath`, else stories260K.
 */
export function defaultModels(recordingsPath: string, ggufPath?: string): ModelConfig[] {
  return modelSchema.array().parse([
    {
      kind: 'replay',
      id: 'gpt-4-1106-preview',
      recordings: recordingsPath,
      prior_quality: 0.86,
      usd_per_1k_tokens: 0.03,
      prior_ttft_ms: 600,
      prior_tokens_per_s: 40,
    },
    {
      kind: 'replay',
      id: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
      recordings: recordingsPath,
      prior_quality: 0.64,
      usd_per_1k_tokens: 0.0006,
      prior_ttft_ms: 250,
      prior_tokens_per_s: 90,
    },
    ggufPath
      ? {
          kind: 'gguf',
          id: TINYLLAMA_AT_EDGE.id,
          model_path: ggufPath,
          prior_quality: TINYLLAMA_AT_EDGE.measuredQuality,
          usd_per_1k_tokens: 0,
          prior_ttft_ms: TINYLLAMA_AT_EDGE.measuredFirstTokenMs,
          prior_tokens_per_s: TINYLLAMA_AT_EDGE.measuredTokensPerS,
        }
      : {
          kind: 'embedded',
          id: 'stories260K',
          prior_quality: 0.05,
          usd_per_1k_tokens: 0,
          prior_ttft_ms: 5,
          prior_tokens_per_s: 2000,
        },
  ]);
}

/**
 * TinyLlama's priors, measured, not guessed: its share of correct answers over the graded prompts
 * of its own fit (docs/results/fit/tinyllama-1.1b-chat/report.md: 41 of 218), and its first token
 * and decode speed on native llama.cpp with 2 threads (docs/bench/gguf.json, `npm run bench:gguf`).
 */
export const TINYLLAMA_AT_EDGE = {
  id: 'TinyLlama-1.1B-Chat-v1.0-IQ2_XXS',
  measuredQuality: 0.1881,
  measuredFirstTokenMs: 261,
  measuredTokensPerS: 11.1,
} as const;

export function parseConfig(value: unknown): ProxyConfig {
  return configSchema.parse(value);
}
