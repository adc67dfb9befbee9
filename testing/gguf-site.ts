/**
 * @module testing/gguf-site
 * A site owner's deployment of the widget with a real chat model: the built `dist/` in a
 * sub-folder, TinyLlama fetched into its models folder by `riskgate models fetch` (the same code),
 * the test harness beside it, served by the plain static server with or without COOP/COEP.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CATALOGUE, GGUF_FILE } from '../node/models/catalogue.js';
import { fetchModelFile, installModel } from '../node/models/model-files.js';
import { CACHE_DIR, REPO_ROOT } from '../node/paths.js';
import { serveSite, siteWithWidget } from './deploy-servers.js';
import type { StaticServer } from '../node/static-server.js';

export const TINYLLAMA = CATALOGUE['tinyllama-1.1b-chat']!;
export const GGUF_FOLDER = 'riskgate';

export type GgufSite = { root: string; server: StaticServer; base: string; modelsUrl: string; close(): Promise<void> };

/** Fetches the model once (cached in .cache/models), then a fresh site folder around it. */
/** `damage` runs on the site folder before it is served (the static server indexes files at start). */
export async function ggufSite(options: {
  isolation: boolean;
  pages?: Record<string, string>;
  damage?: (modelFile: string) => void;
}): Promise<GgufSite> {
  const cached = await fetchModelFile(TINYLLAMA);
  const root = siteWithWidget(GGUF_FOLDER, {
    [`${GGUF_FOLDER}/e2e/harness.html`]: readFileSync(resolve(REPO_ROOT, 'e2e/harness.html'), 'utf8'),
    ...options.pages,
  });
  installModel(TINYLLAMA, cached, join(root, GGUF_FOLDER, 'models'));
  options.damage?.(join(root, GGUF_FOLDER, 'models', TINYLLAMA.name, 'model.gguf'));
  const server = await serveSite(root, { isolation: options.isolation });
  const base = `${server.url.replace(/\/$/, '')}/${GGUF_FOLDER}/`;
  return { root, server, base, modelsUrl: `${base}models/`, close: () => server.close() };
}

/** Whether the gate fitted to TinyLlama's answers is committed (before `riskgate fit --gguf`, it is not). */
export const ggufGateFitted = () => existsSync(resolve(REPO_ROOT, 'public/models', TINYLLAMA.name, 'gate.onnx'));

/** Whether `riskgate models fetch` has put the file in .cache (`npm test` does; without the registry it cannot). */
export const ggufFetched = () => existsSync(resolve(CACHE_DIR, 'models', TINYLLAMA.name, GGUF_FILE));
