/**
 * @module bench/results-schema
 * The versioned `results.json` of `npm run bench` (schema `riskgate-bench/1`): the machine, the
 * commit, the matrix that ran, and per configuration the raw samples with their summaries. A
 * consumer (a CI gate, a dashboard) can validate a file with `benchResultsSchema.parse`.
 */
import { z } from 'zod';

export const BENCH_SCHEMA = 'riskgate-bench/1';

const summary = z.object({
  n: z.number().int().positive(),
  mean: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
});

/** The metrics sampled per route configuration, in ms unless named otherwise. */
export const ROUTE_METRICS = [
  'prefill_ms',
  'gate_ms',
  'ttft_ms',
  'ttft_local_ms',
  'ttft_edge_ms',
  'decode_tokens_per_s',
  'answer_ms',
  'wasted_prefill_ms',
] as const;
/** The metrics sampled once per browser session (page load), in ms / bytes. */
export const PAGE_METRICS = [
  'page_to_ready_ms',
  'page_to_first_token_ms',
  'bytes_transferred',
  'js_heap_bytes',
] as const;
export type RouteMetric = (typeof ROUTE_METRICS)[number];
export type PageMetric = (typeof PAGE_METRICS)[number];

const routeConfiguration = z.object({
  id: z.string(),
  rung: z.string(),
  /** What ran it: "wasm (1 thread)", "webgpu (SwiftShader-CPU)", … */
  adapter: z.string(),
  load: z.enum(['cold', 'warm']),
  point: z.object({ cost_weight: z.number(), risk_level: z.number() }),
  path: z.enum(['auto', 'local', 'edge']),
  prompt_set: z.string(),
  prompts: z.number().int().nonnegative(),
  /** Share of routed prompts the gate (or the forced mode) sent to the edge. */
  deferral_rate: z.number().min(0).max(1).nullable(),
  errors: z.record(z.string(), z.number().int().positive()),
  samples: z.partialRecord(z.enum(ROUTE_METRICS), z.array(z.number())),
  summary: z.partialRecord(z.enum(ROUTE_METRICS), summary),
  /** With `--runs K` (K ≥ 2): each run's mean per metric, the unit `--compare` tests (between-run noise). */
  run_means: z.partialRecord(z.enum(ROUTE_METRICS), z.array(z.number())).optional(),
});

const pageSession = z.object({
  rung: z.string(),
  adapter: z.string(),
  load: z.enum(['cold', 'warm']),
  samples: z.partialRecord(z.enum(PAGE_METRICS), z.array(z.number())),
  summary: z.partialRecord(z.enum(PAGE_METRICS), summary),
});

export const benchResultsSchema = z.object({
  schema: z.literal(BENCH_SCHEMA),
  created: z.string(),
  command: z.string(),
  commit: z.string(),
  machine: z.object({
    cpu: z.string(),
    cores: z.number().int().positive(),
    memory_bytes: z.number().positive(),
    os: z.string(),
    node: z.string(),
    chromium: z.string(),
    gpu_adapter: z.string().nullable(),
    /** 1-, 5- and 15-minute load averages at the start and at the end of the run. */
    load_average_start: z.array(z.number()).length(3),
    load_average_end: z.array(z.number()).length(3),
  }),
  matrix: z.object({
    rungs: z.array(z.string()).min(1),
    points: z.array(z.object({ cost_weight: z.number(), risk_level: z.number() })).min(1),
    paths: z.array(z.enum(['auto', 'local', 'edge'])).min(1),
    prompt_sets: z.array(z.string()).min(1),
    loads: z.array(z.enum(['cold', 'warm'])).min(1),
    repeats: z.number().int().positive(),
    warmup: z.number().int().nonnegative(),
    max_tokens: z.number().int().positive(),
    /** Whole-matrix repeats, each with fresh browsers (absent = 1). */
    runs: z.number().int().positive().optional(),
  }),
  configurations: z.array(routeConfiguration),
  sessions: z.array(pageSession),
  /** The same work outside the browser: the model in Node, and the proxy vs its upstream called directly. */
  native: z.object({
    node_onnx: z.object({ runtime: z.string(), prefill_ms: summary, decode_tokens_per_s: summary }),
    proxy: z.object({ direct_upstream_ttft_ms: summary, through_proxy_ttft_ms: summary }),
  }),
});

export type BenchResults = z.infer<typeof benchResultsSchema>;
export type RouteConfiguration = z.infer<typeof routeConfiguration>;
export type PageSession = z.infer<typeof pageSession>;
