/**
 * @module cli/representations
 * The local model's prefill hidden state for every prompt of a dataset, computed by the same
 * `OnnxCausalLm` the browser runs and cached on disk by (model sha256, dataset sha256).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { RoutingRecord } from '../core/data/routing-dataset.js';
import { convertCheckpoint, createNodeEngine } from './local-model.js';
import { CACHE_DIR } from './paths.js';

export type Representations = { readonly dim: number; readonly vectors: Float32Array[] };

export function datasetSha256(records: readonly RoutingRecord[]): string {
  const hash = createHash('sha256');
  for (const r of records) hash.update(JSON.stringify([r.id, r.prompt, r.outcomes])).update('\n');
  return hash.digest('hex');
}

export async function computeRepresentations(records: readonly RoutingRecord[], log: (line: string) => void = () => {}): Promise<Representations> {
  const { sourceSha256 } = convertCheckpoint();
  const key = `${sourceSha256.slice(0, 16)}-${datasetSha256(records).slice(0, 16)}`;
  const path = resolve(CACHE_DIR, `representations-${key}.f32`);
  const engine = await createNodeEngine();
  const dim = engine.info.hiddenSize;
  if (existsSync(path)) {
    const flat = new Float32Array(new Uint8Array(readFileSync(path)).buffer);
    if (flat.length === records.length * dim) {
      log(`representations: read ${records.length} from ${path}`);
      return { dim, vectors: records.map((_, i) => flat.slice(i * dim, (i + 1) * dim)) };
    }
  }
  const vectors: Float32Array[] = [];
  const started = Date.now();
  for (const [i, r] of records.entries()) {
    vectors.push((await engine.prefill([{ role: 'user', content: r.prompt }])).hiddenState);
    if ((i + 1) % 1000 === 0) log(`representations: ${i + 1}/${records.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  engine.reset();
  mkdirSync(CACHE_DIR, { recursive: true });
  const flat = new Float32Array(records.length * dim);
  vectors.forEach((v, i) => flat.set(v, i * dim));
  writeFileSync(path, new Uint8Array(flat.buffer));
  return { dim, vectors };
}
