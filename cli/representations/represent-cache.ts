/**
 * @module cli/representations/represent-cache
 * `represent`'s resumable cache: one append-only JSON-lines file per (model identity,
 * representation, width), one line per prompt as soon as it is computed. A run that is stopped
 * (Ctrl-C, a crash, a closed laptop) loses at most the prompt in flight; the next run, on the same
 * or another dataset, computes only the prompts the file does not hold. A torn last line is skipped.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

type CachedRow = { readonly key: string; readonly tokens: number; readonly truncated: number; readonly v: string };
export type CachedRepresentation = {
  readonly vector: Float32Array;
  readonly tokenCount: number;
  readonly truncatedTokens: number;
};

export type RepresentCache = {
  readonly path: string;
  get(promptKey: string): CachedRepresentation | undefined;
  put(promptKey: string, value: CachedRepresentation): void;
  readonly size: number;
};

export function openRepresentCache(path: string, dim: number): RepresentCache {
  const rows = new Map<string, CachedRepresentation>();
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      let row: CachedRow;
      try {
        row = JSON.parse(line) as CachedRow;
      } catch {
        continue; // empty, or torn by an interrupted write
      }
      const bytes = Buffer.from(row.v, 'base64');
      if (bytes.length !== dim * 4) continue;
      rows.set(row.key, {
        vector: new Float32Array(new Uint8Array(bytes).buffer),
        tokenCount: row.tokens,
        truncatedTokens: row.truncated,
      });
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  return {
    path,
    get: (key) => rows.get(key),
    put(key, value) {
      rows.set(key, value);
      const v = Buffer.from(value.vector.buffer, value.vector.byteOffset, value.vector.byteLength).toString('base64');
      // A leading newline ends a line a previous run may have torn, so this one parses.
      appendFileSync(
        path,
        `\n${JSON.stringify({ key, tokens: value.tokenCount, truncated: value.truncatedTokens, v } satisfies CachedRow)}`,
      );
    },
    get size() {
      return rows.size;
    },
  };
}
