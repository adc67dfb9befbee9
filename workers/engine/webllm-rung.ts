/**
 * @module engine/webllm-rung
 * The top rung of the fallback ladder: a WebLLM model declared in `models.json` beside the
 * manifest (optional; absent = ONNX only), with the gate and thresholds trained on that model's
 * representation. URLs in it may be relative: they are made absolute from the models folder, so a
 * self-hosted model is a config change. web-llm itself is loaded only when such a model is tried.
 */
import { RouterError } from '../../core/errors.js';
import type { PlatformProbe } from '../../core/protocol/capabilities.js';
import type { LoadProgress } from '../../core/protocol/worker-api.js';
import { fetchBytes } from '../artifacts.js';
import type { KeyValueStore } from '../../core/protocol/key-value-store.js';
import { withDeclaredGate, type DeclaredRung } from './declared-gate.js';
import type { OrtRuntime } from './onnx-causal-lm.js';
import type { GgufEntry } from './gguf-rung.js';
import { WebLlmEngine, type CreateMlcEngine, type MlcEngineLike, type WebLlmModel } from './webllm-engine.js';

type ModelEntry = { model_id: string; model: string; model_lib: string; context_length: number; hidden_size: number };
/** `gate` and `thresholds` are absent only before a gate was trained for the model (`riskgate represent`). */
export type WebLlmEntry = ModelEntry & {
  f32?: ModelEntry;
  gate?: { onnx: string; sha256: string };
  thresholds?: { json: string; sha256?: string };
};
export type ModelsConfig = {
  readonly format: 'riskgate.models/1';
  readonly webllm?: WebLlmEntry;
  readonly gguf?: GgufEntry;
};

export async function fetchModelsConfig(modelsUrl: string, signal?: AbortSignal): Promise<ModelsConfig> {
  const bytes = await fetchBytes(new URL('models.json', modelsUrl).href, undefined, signal).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'aborted') throw error;
    return undefined; // no models.json: the embedded ONNX model only
  });
  const text = bytes ? new TextDecoder().decode(bytes).trim() : '';
  // Static hosts with a single-page fallback answer a missing file with index.html: that is "absent".
  if (!text.startsWith('{')) return { format: 'riskgate.models/1' };
  let config: ModelsConfig;
  try {
    config = JSON.parse(text) as ModelsConfig;
  } catch (cause) {
    throw new RouterError('invalid_artifact', `models.json is not valid JSON: ${String(cause)}`, { cause });
  }
  if (config.format !== 'riskgate.models/1')
    throw new RouterError('invalid_artifact', 'models.json is not riskgate.models/1');
  return config;
}

const absolute = (entry: ModelEntry, base: string): Omit<WebLlmModel, 'f32'> => ({
  modelId: entry.model_id,
  model: new URL(entry.model, base).href,
  modelLib: new URL(entry.model_lib, base).href,
  contextLength: entry.context_length,
  hiddenSize: entry.hidden_size,
});

const createFromWebLlm: CreateMlcEngine = async (modelId, config) =>
  (await import('@mlc-ai/web-llm')).CreateMLCEngine(modelId, config as never) as unknown as MlcEngineLike;

export type WebLlmRung = DeclaredRung<WebLlmEngine>;

/** The declared model's engine alone (what `riskgate represent` needs before any gate exists for it). */
export async function loadWebLlmEngine(
  entry: ModelEntry & { f32?: ModelEntry },
  modelsUrl: string,
  probe: PlatformProbe,
  onProgress: (p: LoadProgress) => void,
  signal?: AbortSignal,
  createEngine: CreateMlcEngine = createFromWebLlm,
): Promise<WebLlmEngine> {
  const model: WebLlmModel = {
    ...absolute(entry, modelsUrl),
    ...(entry.f32 ? { f32: absolute(entry.f32, modelsUrl) } : {}),
  };
  return WebLlmEngine.create(
    createEngine,
    model,
    probe,
    (r) => onProgress({ stage: 'model', loaded: r.progress, total: 1, text: r.text }),
    signal,
  );
}

export async function loadWebLlmRung(
  ort: OrtRuntime,
  entry: WebLlmEntry,
  modelsUrl: string,
  probe: PlatformProbe,
  store: KeyValueStore,
  onProgress: (p: LoadProgress) => void,
  signal?: AbortSignal,
  createEngine: CreateMlcEngine = createFromWebLlm,
): Promise<WebLlmRung> {
  if (!entry.gate || !entry.thresholds) {
    throw new RouterError(
      'invalid_artifact',
      `models.json declares ${entry.model_id} without a gate and thresholds: train them with \`riskgate represent\`, \`train\` and \`calibrate\` (docs/widget.md, "A gate for your own WebLLM model")`,
    );
  }
  const engine = await loadWebLlmEngine(entry, modelsUrl, probe, onProgress, signal, createEngine);
  return withDeclaredGate(ort, engine, entry, modelsUrl, store, signal);
}
