/**
 * @module engine/declared-gate
 * A model declared in `models.json` (WebLLM, GGUF) brings its own gate and thresholds, trained on
 * its own representation and fitted to its own answers. This loads them beside the engine and
 * refuses a pair that does not belong together (decision 011).
 */
import { RouterError } from '../../core/errors.js';
import type { ThresholdsFile } from '../../core/calibration/threshold-table.js';
import type { LocalEngine } from '../../core/protocol/local-engine.js';
import type { MarginGate } from '../../core/protocol/margin-gate.js';
import { fetchVerified } from '../artifacts.js';
import { createOnnxMarginGate } from '../gate/onnx-margin-gate.js';
import { createRepresentationReader, type RepresentationReader } from '../gate/representation-reader.js';
import type { KeyValueStore } from '../../core/protocol/key-value-store.js';
import { loadThresholds } from '../threshold-cache.js';
import type { OrtRuntime } from './onnx-causal-lm.js';

export type { DeclaredGateFiles } from '../../core/protocol/manifest.js';
import type { DeclaredGateFiles } from '../../core/protocol/manifest.js';

export type DeclaredRung<E extends LocalEngine = LocalEngine> = {
  engine: E;
  gate: MarginGate;
  gateSha256: string;
  thresholds: ThresholdsFile;
  thresholdsUrl: string;
  source: 'network' | 'indexeddb';
  storageNotice: string | null;
  readRepresentation: RepresentationReader;
};

export async function withDeclaredGate<E extends LocalEngine>(
  ort: OrtRuntime,
  engine: E,
  entry: DeclaredGateFiles,
  modelsUrl: string,
  store: KeyValueStore,
  signal?: AbortSignal,
): Promise<DeclaredRung<E>> {
  if (!entry.gate || !entry.thresholds) {
    engine.reset();
    throw new RouterError(
      'invalid_artifact',
      `models.json declares ${entry.model_id} without a gate and thresholds: fit them with \`riskgate fit\` (docs/widget.md, "A gate for your own model")`,
    );
  }
  const gateFile = await fetchVerified(new URL(entry.gate.onnx, modelsUrl).href, entry.gate.sha256, undefined, signal);
  const gate = await createOnnxMarginGate(ort, gateFile.bytes);
  const thresholdsUrl = new URL(entry.thresholds.json, modelsUrl).href;
  const {
    file: thresholds,
    source,
    storageNotice,
  } = await loadThresholds(
    gateFile.sha256,
    { url: thresholdsUrl, ...(entry.thresholds.sha256 ? { sha256: entry.thresholds.sha256 } : {}) },
    store,
  );
  const r = thresholds.representation;
  if (r.kind !== engine.info.representation || !r.modelId.startsWith(engine.info.model) || r.dim !== gate.dim) {
    engine.reset();
    throw new RouterError(
      'artifact_mismatch',
      `the gate declared for ${entry.model_id} reads ${r.kind} of ${r.modelId}, but ${engine.info.model} provides ${engine.info.representation}`,
    );
  }
  return {
    engine,
    gate,
    gateSha256: gateFile.sha256,
    thresholds,
    thresholdsUrl,
    source,
    storageNotice,
    readRepresentation: createRepresentationReader(r),
  };
}
