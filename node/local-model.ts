/**
 * @module node/local-model
 * Converts the embedded llama2.c checkpoint to ONNX and loads it in onnxruntime-node with the
 * same `OnnxCausalLm` the browser worker runs.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { parseLlamaCheckpoint, type LlamaConfig } from '../core/model/llama-checkpoint.js';
import { buildLlamaGraph, type LlamaGraphLayout } from '../core/model/llama-graph.js';
import { parseTok512, type Tokenizer } from '../core/tokenizer/tok512.js';
import { OnnxCausalLm, type OrtRuntime } from '../workers/engine/onnx-causal-lm.js';
import { encodeOnnxModel } from './onnx-write.js';
import { CHECKPOINT_PATH, LOCAL_MODEL_ID, TOKENIZER_PATH } from './paths.js';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export type ConvertedModel = { readonly onnx: Uint8Array; readonly config: LlamaConfig; readonly sourceSha256: string };

export function convertCheckpoint(
  checkpointPath = CHECKPOINT_PATH,
  modelId = LOCAL_MODEL_ID,
  layout: LlamaGraphLayout = 'riskgate',
): ConvertedModel {
  const bytes = readFileSync(checkpointPath);
  const sourceSha256 = sha256Hex(bytes);
  const checkpoint = parseLlamaCheckpoint(bytes);
  return {
    onnx: encodeOnnxModel(buildLlamaGraph(checkpoint, { modelId, sourceSha256, layout })),
    config: checkpoint.config,
    sourceSha256,
  };
}

export function loadTokenizer(path = TOKENIZER_PATH): Tokenizer {
  return parseTok512(readFileSync(path));
}

const cached = new Map<LlamaGraphLayout, Promise<{ model: ConvertedModel; tokenizer: Tokenizer }>>();

/** A fresh engine (own KV cache) over the embedded model; conversion happens once per process and layout. */
export async function createNodeEngine(layout: LlamaGraphLayout = 'riskgate'): Promise<OnnxCausalLm> {
  if (!cached.has(layout))
    cached.set(
      layout,
      Promise.resolve().then(() => ({
        model: convertCheckpoint(CHECKPOINT_PATH, LOCAL_MODEL_ID, layout),
        tokenizer: loadTokenizer(),
      })),
    );
  const { model, tokenizer } = await cached.get(layout)!;
  return OnnxCausalLm.create(ort as unknown as OrtRuntime, model.onnx, tokenizer, {
    modelId: LOCAL_MODEL_ID,
    backend: 'cpu',
    contextLength: model.config.seqLen,
  });
}
