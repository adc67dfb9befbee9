/**
 * @module node/models/declare-gguf
 * A fetched GGUF model's entry in the site's `models.json` (created, or updated keeping the rest):
 * the file with its size and sha256 (the browser checks both after download), the window, the
 * licence, and the gate and thresholds fitted to its answers, all by paths relative to
 * models.json, so the folder can be copied to any host as it is. Without a fitted gate the entry
 * names none and the widget skips the rung, saying why.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GgufEntry } from '../../core/protocol/manifest.js';
import { GGUF_FILE, type CatalogueModel } from './catalogue.js';

const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

export function declareGgufModel(modelsDir: string, model: CatalogueModel): GgufEntry {
  const path = join(modelsDir, 'models.json');
  const current = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  const gate = join(modelsDir, model.name, 'gate.onnx');
  const thresholds = join(modelsDir, model.name, 'thresholds.json');
  const fitted = existsSync(gate) && existsSync(thresholds);
  const entry: GgufEntry = {
    model_id: model.modelId,
    file: { url: `${model.name}/${GGUF_FILE}`, size: model.size, sha256: model.sha256 },
    context_length: model.contextLength,
    licence: model.licence,
    ...(fitted
      ? {
          gate: { onnx: `${model.name}/gate.onnx`, sha256: sha256Of(gate) },
          thresholds: { json: `${model.name}/thresholds.json`, sha256: sha256Of(thresholds) },
        }
      : {}),
  };
  writeFileSync(path, `${JSON.stringify({ ...current, format: 'riskgate.models/1', gguf: entry }, null, 1)}\n`);
  return entry;
}
