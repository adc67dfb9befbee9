/**
 * @module load/load-artifacts
 * The artifacts every rung shares: the manifest, the gate and its thresholds. The picker needs the
 * grid even edge-only, and a mismatch among them is a deployment error that is reported, never
 * stepped around.
 */
import { RouterError } from '../../core/errors.js';
import type { ThresholdsFile } from '../../core/calibration/threshold-table.js';
import type { MarginGate } from '../../core/protocol/margin-gate.js';
import type { ModelManifest } from '../../core/protocol/manifest.js';
import type { ThresholdsSource } from '../../core/protocol/worker-api.js';
import type { OrtRuntime } from '../engine/onnx-causal-lm.js';
import { createOnnxMarginGate } from '../gate/onnx-margin-gate.js';
import { fetchVerified } from '../artifacts.js';
import type { KeyValueStore } from '../../core/protocol/key-value-store.js';
import { loadThresholds } from '../threshold-cache.js';
import { byteProgress, type ReportProgress } from './progress.js';

export type SharedArtifacts = {
  readonly gate: MarginGate;
  readonly gateSha256: string;
  readonly thresholds: ThresholdsFile;
  /** Where thresholds.json lives: the files it names (the calibration set) are relative to it. */
  readonly thresholdsUrl: string;
  readonly source: ThresholdsSource;
  readonly storageNotice: string | null;
};

export async function loadSharedArtifacts(
  ort: OrtRuntime,
  manifest: ModelManifest,
  modelsUrl: string,
  store: KeyValueStore,
  report: ReportProgress,
  signal: AbortSignal,
): Promise<SharedArtifacts> {
  const at = (path: string) => new URL(path, modelsUrl).href;
  const gateFile = await fetchVerified(
    at(manifest.gate.onnx),
    manifest.gate.sha256,
    byteProgress(report, 'gate', 'gate'),
    signal,
  );
  const gate = await createOnnxMarginGate(ort, gateFile.bytes);
  const thresholdsUrl = at(manifest.thresholds.json);
  const {
    file: thresholds,
    source,
    storageNotice,
  } = await loadThresholds(gateFile.sha256, { url: thresholdsUrl, sha256: manifest.thresholds.sha256 }, store);
  report({ stage: 'thresholds', loaded: 1, total: 1, text: `thresholds from ${source}` });
  const representation = thresholds.representation;
  if (representation.modelSha256 !== manifest.local_model.source_sha256 || representation.dim !== gate.dim) {
    throw new RouterError(
      'artifact_mismatch',
      `the gate reads ${representation.modelId} (${representation.dim}-d) but the local model is ${manifest.local_model.id}`,
    );
  }
  return { gate, gateSha256: gateFile.sha256, thresholds, thresholdsUrl, source, storageNotice };
}
