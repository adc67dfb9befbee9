/**
 * @module cli/representations/declare-webllm-gate
 * The last step of training a gate for a WebLLM model: its entry in the site's `models.json`
 * (created, or updated keeping everything else) names the gate with its sha256 and the thresholds,
 * by paths relative to models.json, so the folder can be copied to any host as it is.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { RouterError } from '../../core/errors.js';

export function declareWebLlmGate(
  modelsJsonPath: string,
  entry: Readonly<Record<string, unknown>> | undefined,
  artifacts: { readonly gatePath: string; readonly gateSha256: string; readonly thresholdsPath: string },
): void {
  if (!entry)
    throw new RouterError(
      'invalid_request',
      "these representations are of the manifest's ONNX model, not a WebLLM model: there is nothing to declare in models.json",
    );
  const folder = dirname(resolve(modelsJsonPath));
  const relativeTo = (path: string) => {
    const r = relative(folder, resolve(path)).split('\\').join('/');
    if (r.startsWith('..'))
      throw new RouterError(
        'invalid_request',
        `${path} is outside the models folder ${folder}: the site could not serve it`,
      );
    return r;
  };
  const current = existsSync(modelsJsonPath)
    ? (JSON.parse(readFileSync(modelsJsonPath, 'utf8')) as Record<string, unknown>)
    : { format: 'riskgate.models/1' };
  const declared = current.webllm as { model_id?: string } | undefined;
  if (declared?.model_id && declared.model_id !== entry.model_id) {
    throw new RouterError(
      'invalid_request',
      `${modelsJsonPath} declares ${declared.model_id}, but these representations are of ${String(entry.model_id)}`,
    );
  }
  const webllm = {
    ...entry,
    ...(current.webllm as Record<string, unknown> | undefined),
    gate: { onnx: relativeTo(artifacts.gatePath), sha256: artifacts.gateSha256 },
    thresholds: {
      json: relativeTo(artifacts.thresholdsPath),
      sha256: createHash('sha256').update(readFileSync(artifacts.thresholdsPath)).digest('hex'),
    },
  };
  writeFileSync(modelsJsonPath, `${JSON.stringify({ ...current, format: 'riskgate.models/1', webllm }, null, 1)}\n`);
}
