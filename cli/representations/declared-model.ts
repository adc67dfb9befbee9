/**
 * @module cli/representations/declared-model
 * Which model a models folder makes the widget load, and its identity, read in Node from the same
 * URL the browser reads: the WebLLM model that `models.json` declares, else the manifest's ONNX
 * model. A WebLLM model's identity is the sha256 of its compiled library, its `mlc-chat-config.json`
 * and its weight index (`tensor-cache.json`, or `ndarray-cache.json` before web-llm 0.2.80), not of
 * the weights themselves: gigabytes that the index already names shard by shard.
 */
import { createHash } from 'node:crypto';
import { RouterError } from '../../core/errors.js';

export type DeclaredModel = {
  readonly kind: 'webllm' | 'onnx';
  readonly modelId: string;
  readonly identitySha256: string;
  /** The width of the model's hidden state (the logit sketch defaults to it). */
  readonly hiddenSize: number;
  readonly webllmEntry?: Readonly<Record<string, unknown>>;
};

async function fetchOk(url: string): Promise<Uint8Array | undefined> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw new RouterError('asset_unreachable', `${url} is unreachable (${String((cause as Error).cause ?? cause)})`, {
      cause,
    });
  }
  return response.ok ? new Uint8Array(await response.arrayBuffer()) : undefined;
}

async function fetchJson(url: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await fetchOk(url);
  if (!bytes) return undefined;
  const text = new TextDecoder().decode(bytes).trim();
  if (!text.startsWith('{')) return undefined; // a static host's single-page fallback
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new RouterError('invalid_artifact', `${url} is not valid JSON`, { cause });
  }
}

/** web-llm's own rule (cleanModelUrl): a model URL without `/resolve/…/` gets `resolve/main/`. */
function weightsBase(modelUrl: string): string {
  const withSlash = modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`;
  return /.+\/resolve\/.+\//.test(withSlash) ? withSlash : `${withSlash}resolve/main/`;
}

export async function readDeclaredModel(modelsUrl: string): Promise<DeclaredModel> {
  const base = modelsUrl.endsWith('/') ? modelsUrl : `${modelsUrl}/`;
  const models = await fetchJson(new URL('models.json', base).href);
  const entry = models?.webllm as
    | { model_id?: string; model?: string; model_lib?: string; hidden_size?: number }
    | undefined;
  if (entry) {
    if (!entry.model_id || !entry.model || !entry.model_lib)
      throw new RouterError('invalid_artifact', 'models.json: webllm needs model_id, model and model_lib');
    const weights = weightsBase(new URL(entry.model, base).href);
    const hash = createHash('sha256');
    const parts: [string, Uint8Array | undefined][] = [
      ['model_lib', await fetchOk(new URL(entry.model_lib, base).href)],
      ['mlc-chat-config.json', await fetchOk(new URL('mlc-chat-config.json', weights).href)],
    ];
    const index =
      (await fetchOk(new URL('tensor-cache.json', weights).href)) ??
      (await fetchOk(new URL('ndarray-cache.json', weights).href));
    parts.push(['weight index', index]);
    for (const [name, bytes] of parts) {
      if (!bytes)
        throw new RouterError(
          'asset_unreachable',
          `models.json declares ${entry.model_id}, but its ${name} is not at ${name === 'model_lib' ? new URL(entry.model_lib, base).href : weights}`,
        );
      hash.update(name).update(createHash('sha256').update(bytes).digest());
    }
    return {
      kind: 'webllm',
      modelId: entry.model_id,
      identitySha256: hash.digest('hex'),
      hiddenSize: entry.hidden_size ?? 0,
      webllmEntry: entry,
    };
  }
  const manifest = await fetchJson(new URL('manifest.json', base).href);
  const local = manifest?.local_model as { id?: string; source_sha256?: string; hidden_size?: number } | undefined;
  if (!local?.id || !local.source_sha256)
    throw new RouterError(
      'invalid_request',
      `${base} has neither a models.json declaring a WebLLM model nor a manifest.json: is --models-url the folder the widget loads its models from?`,
    );
  return { kind: 'onnx', modelId: local.id, identitySha256: local.source_sha256, hiddenSize: local.hidden_size ?? 0 };
}
