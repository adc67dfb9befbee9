/**
 * @module model/llama-checkpoint
 * Reads a llama2.c "version 0" checkpoint (7 × int32 header, then float32 weights in a fixed
 * order; see llama2.c `run.c` `memory_map_weights`). Only reads; the ONNX graph is built in
 * `llama-graph.ts`.
 */
import { RouterError } from '../errors.js';

export type LlamaConfig = {
  readonly dim: number;
  readonly hiddenDim: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly nKvHeads: number;
  readonly vocabSize: number;
  readonly seqLen: number;
  readonly sharedClassifier: boolean;
  readonly headSize: number;
};

export type LlamaWeights = {
  readonly tokenEmbedding: Float32Array; // [vocab, dim]
  readonly rmsAtt: Float32Array; // [L, dim]
  readonly wq: Float32Array; // [L, dim, dim] (out, in)
  readonly wk: Float32Array; // [L, kvDim, dim]
  readonly wv: Float32Array; // [L, kvDim, dim]
  readonly wo: Float32Array; // [L, dim, dim]
  readonly rmsFfn: Float32Array; // [L, dim]
  readonly w1: Float32Array; // [L, hidden, dim]
  readonly w2: Float32Array; // [L, dim, hidden]
  readonly w3: Float32Array; // [L, hidden, dim]
  readonly rmsFinal: Float32Array; // [dim]
  readonly classifier: Float32Array; // [vocab, dim]; the embedding when shared
};

export type LlamaCheckpoint = { readonly config: LlamaConfig; readonly weights: LlamaWeights };

const HEADER_INTS = 7;

export function parseLlamaCheckpoint(bytes: Uint8Array): LlamaCheckpoint {
  if (bytes.byteLength < HEADER_INTS * 4)
    throw new RouterError('invalid_artifact', 'checkpoint shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = Array.from({ length: HEADER_INTS }, (_, i) => view.getInt32(i * 4, true));
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, signedVocab, seqLen] = header as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const config: LlamaConfig = {
    dim,
    hiddenDim,
    nLayers,
    nHeads,
    nKvHeads,
    seqLen,
    vocabSize: Math.abs(signedVocab),
    sharedClassifier: signedVocab > 0,
    headSize: dim / nHeads,
  };
  if ([dim, hiddenDim, nLayers, nHeads, nKvHeads, seqLen].some((v) => v <= 0) || !Number.isInteger(config.headSize)) {
    throw new RouterError('invalid_artifact', `implausible llama2.c header ${JSON.stringify(header)}`);
  }
  // Copy: the input may be a view into a larger pool (Node Buffers) or be unaligned.
  const floats = new Float32Array(new Uint8Array(bytes.subarray(HEADER_INTS * 4)).buffer);
  let at = 0;
  const take = (count: number): Float32Array => {
    if (at + count > floats.length) throw new RouterError('invalid_artifact', 'checkpoint is truncated');
    const out = floats.subarray(at, at + count);
    at += count;
    return out;
  };
  const { vocabSize: vocab, headSize } = config;
  const kvDim = nKvHeads * headSize;
  const L = nLayers;
  const tokenEmbedding = take(vocab * dim);
  const rmsAtt = take(L * dim);
  const wq = take(L * dim * dim);
  const wk = take(L * kvDim * dim);
  const wv = take(L * kvDim * dim);
  const wo = take(L * dim * dim);
  const rmsFfn = take(L * dim);
  const w1 = take(L * hiddenDim * dim);
  const w2 = take(L * dim * hiddenDim);
  const w3 = take(L * hiddenDim * dim);
  const rmsFinal = take(dim);
  take((seqLen * headSize) / 2); // freq_cis_real: unused, RoPE is computed from positions
  take((seqLen * headSize) / 2); // freq_cis_imag
  const classifier = config.sharedClassifier ? tokenEmbedding : take(vocab * dim);
  if (at !== floats.length)
    throw new RouterError('invalid_artifact', `checkpoint has ${floats.length - at} unexpected trailing floats`);
  return { config, weights: { tokenEmbedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, classifier } };
}
