/**
 * @module upstreams-from-config
 * Builds the selector's candidates from `config.models` (Node: the embedded engine and the
 * recordings file live on this machine).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readOnnxMetadata } from '../node/onnx-write.js';
import { CACHE_DIR, REPO_ROOT, SELECTOR_PATH } from '../node/paths.js';
import { createOnnxQualityPredictor, type OrtForPredictor, type QualityPredictor } from './quality-predictor.js';
import { defaultModels, type ModelConfig } from './config.js';
import type { Candidate } from './selector.js';
import { createEmbeddedThreadUpstream } from './upstream/embedded-threads.js';
import { createEmbeddedOnnxUpstream } from './upstream/embedded-onnx.js';
import { LLAMA_NATIVE_DIR, LlamaCppEngine } from '../node/llama-cpp-engine.js';
import { createOpenAiHttpUpstream } from './upstream/openai-http.js';
import { undiciTransport } from './upstream/undici-transport.js';
import { createReplayUpstream } from './upstream/replay.js';
import type { Upstream } from './upstream/upstream.js';
import { createPairwiseJudge, type Judge } from './judge/pairwise-judge.js';

export const DEFAULT_RECORDINGS = resolve(REPO_ROOT, 'edge-proxy/recordings/routellm-gsm8k.jsonl');

function upstreamOf(model: ModelConfig, baseDir: string, idleTimeoutMs: number, queuePerThread: number): Upstream {
  switch (model.kind) {
    case 'embedded':
      return createEmbeddedThreadUpstream({ id: model.id, queuePerThread });
    case 'gguf':
      return createEmbeddedOnnxUpstream(
        () =>
          LlamaCppEngine.create({
            modelPath: resolve(baseDir, model.model_path),
            modelId: model.id,
            contextLength: model.context_length,
            threads: model.threads,
          }),
        model.id,
        'gguf',
      );
    case 'openai':
      return createOpenAiHttpUpstream({
        id: model.id,
        baseUrl: model.base_url,
        upstreamModel: model.upstream_model ?? model.id,
        idleTimeoutMs,
        transport: undiciTransport,
        apiKey: model.api_key ?? (model.api_key_env ? process.env[model.api_key_env] : undefined),
        vision: model.vision ?? false,
      });
    case 'replay':
      return createReplayUpstream({
        id: model.id,
        recordingsPath: resolve(baseDir, model.recordings),
        recordedModel: model.recorded_model ?? model.id,
        ttftMs: model.replay_ttft_ms ?? model.prior_ttft_ms,
        tokensPerSecond: model.replay_tokens_per_s ?? model.prior_tokens_per_s,
      });
  }
}

/** TinyLlama's file where `riskgate models fetch` keeps it, when it is there and native llama.cpp is installed. */
export function fetchedGguf(): string | undefined {
  const path = resolve(CACHE_DIR, 'models/tinyllama-1.1b-chat/model.gguf');
  return existsSync(path) && existsSync(resolve(LLAMA_NATIVE_DIR, 'node_modules/node-llama-cpp')) ? path : undefined;
}

export function candidatesFromConfig(
  models: readonly ModelConfig[] | undefined,
  options: { baseDir?: string; idleTimeoutMs?: number; embeddedQueuePerThread?: number } = {},
): Candidate[] {
  return (models ?? defaultModels(DEFAULT_RECORDINGS)).map((m) => ({
    upstream: upstreamOf(
      m,
      options.baseDir ?? process.cwd(),
      options.idleTimeoutMs ?? 30_000,
      options.embeddedQueuePerThread ?? 8,
    ),
    priorQuality: m.prior_quality,
    qualityModel: m.quality_model ?? m.id,
    usdPer1kTokens: m.usd_per_1k_tokens,
    ttftMs: m.prior_ttft_ms,
    tokensPerSecond: m.prior_tokens_per_s,
    ...maxOutputOf(m),
  }));
}

/** What the model declares it writes at most; a GGUF model cannot write past its context window. */
function maxOutputOf(m: ModelConfig): { maxOutputTokens?: number } {
  const declared = m.max_output_tokens ?? (m.kind === 'gguf' ? m.context_length : undefined);
  return declared === undefined ? {} : { maxOutputTokens: declared };
}

/** The shadow-check judge from `config.judge` (any model kind; it answers no chat requests). */
export function judgeFromConfig(
  model: ModelConfig | undefined,
  options: { baseDir?: string; idleTimeoutMs?: number } = {},
): Judge | undefined {
  return model
    ? createPairwiseJudge(upstreamOf(model, options.baseDir ?? process.cwd(), options.idleTimeoutMs ?? 30_000, 8))
    : undefined;
}

/** selector.onnx from `config.selector` (relative to the config file), else the repo's when present; null = none. */
export async function loadQualityPredictor(
  selector: string | null | undefined,
  baseDir = process.cwd(),
): Promise<QualityPredictor | undefined> {
  if (selector === null) return undefined;
  const path = selector ? resolve(baseDir, selector) : SELECTOR_PATH;
  if (!selector && !existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  const metadata = readOnnxMetadata(bytes);
  const models = JSON.parse(metadata['riskgate.selector.models'] ?? '[]') as string[];
  return createOnnxQualityPredictor(
    ort as unknown as OrtForPredictor,
    bytes,
    models,
    metadata['riskgate.representation.model_id'] ?? null,
  );
}
