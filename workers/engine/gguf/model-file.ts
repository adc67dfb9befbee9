/**
 * @module engine/gguf/model-file
 * Gets a declared GGUF file (hundreds of MB) once: streamed with byte progress and Cancel, its
 * size and sha256 checked against the declaration, then kept in the Cache API so a reload or a
 * second visit reads it from disk instead of the network. Only a verified file is ever stored, so
 * a hit needs only its size checked. A full disk costs the visitor a download next time, not this
 * answer: the file is used from memory and the page is told (`quota_exceeded`).
 */
import { RouterError } from '../../../core/errors.js';
import { sha256Hex, type OnBytes } from '../../artifacts.js';

import type { DeclaredFile } from '../../../core/protocol/manifest.js';

export type { DeclaredFile };
export type ModelFile = {
  readonly blob: Blob;
  readonly source: 'network' | 'cache';
  readonly storageNotice: string | null;
};

/** Bump when what is stored changes shape; old caches are left for the browser to evict. */
export const MODEL_CACHE_NAME = 'riskgate-models-v1';

const cacheKey = (file: DeclaredFile) => `${file.url}#sha256=${file.sha256}`;

async function openCache(): Promise<Cache | undefined> {
  try {
    return typeof caches === 'undefined' ? undefined : await caches.open(MODEL_CACHE_NAME);
  } catch {
    return undefined; // opaque origins and some private modes have no Cache API
  }
}

export async function loadModelFile(file: DeclaredFile, onBytes: OnBytes, signal?: AbortSignal): Promise<ModelFile> {
  const cache = await openCache();
  const hit = await cache?.match(cacheKey(file)).catch(() => undefined);
  if (hit) {
    const blob = await hit.blob();
    if (blob.size === file.size) {
      onBytes(file.size, file.size);
      return { blob, source: 'cache', storageNotice: null };
    }
    await cache!.delete(cacheKey(file));
  }
  const bytes = await download(file, onBytes, signal);
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== file.sha256)
    throw new RouterError(
      'artifact_mismatch',
      `${file.url} has sha256 ${sha256.slice(0, 12)}…, models.json says ${file.sha256.slice(0, 12)}… (a corrupted or replaced file)`,
    );
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  return {
    blob,
    source: 'network',
    storageNotice: cache
      ? await store(cache, file, blob)
      : 'this browser has no Cache API here: the model is downloaded again on every visit',
  };
}

async function store(cache: Cache, file: DeclaredFile, blob: Blob): Promise<string | null> {
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  if (estimate?.quota !== undefined && estimate.usage !== undefined && estimate.quota - estimate.usage < file.size) {
    return `quota_exceeded: the browser allows this site ${Math.round((estimate.quota - estimate.usage) / 1e6)} MB more, the model needs ${Math.round(file.size / 1e6)} MB; it will be downloaded again next visit`;
  }
  // Without persistence the browser may evict the file under pressure; asking is harmless.
  await navigator.storage?.persist?.().catch(() => false);
  try {
    await cache.put(
      cacheKey(file),
      new Response(blob, {
        headers: { 'content-length': String(file.size), 'content-type': 'application/octet-stream' },
      }),
    );
    return null;
  } catch (error) {
    const quota = (error as { name?: string }).name === 'QuotaExceededError';
    return `${quota ? 'quota_exceeded' : 'storage_failed'}: the model could not be kept for the next visit (${String(error)})`;
  }
}

/** Into one buffer of the declared size: a longer or shorter body is refused, not guessed at. */
async function download(file: DeclaredFile, onBytes: OnBytes, signal?: AbortSignal): Promise<Uint8Array> {
  const aborted = (cause?: unknown) => new RouterError('aborted', `download of ${file.url} cancelled`, { cause });
  const response = await fetch(file.url, signal ? { signal } : {}).catch((cause: unknown) => {
    if (signal?.aborted) throw aborted(cause);
    throw new RouterError(
      'asset_unreachable',
      `could not fetch ${file.url} (offline, blocked by CORS, or the server is down): ${String(cause)}`,
      { cause },
    );
  });
  if (!response.ok || !response.body)
    throw new RouterError('asset_unreachable', `GET ${file.url} → ${response.status}`);
  const bytes = new Uint8Array(file.size);
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const chunk = await reader.read().catch((cause: unknown) => {
      throw signal?.aborted
        ? aborted(cause)
        : new RouterError('asset_unreachable', `the download of ${file.url} broke off at ${loaded} bytes`, { cause });
    });
    if (chunk.done) break;
    if (loaded + chunk.value.byteLength > file.size) {
      await reader.cancel();
      throw new RouterError(
        'artifact_mismatch',
        `${file.url} is larger than the ${file.size} bytes models.json declares`,
      );
    }
    bytes.set(chunk.value, loaded);
    loaded += chunk.value.byteLength;
    onBytes(loaded, file.size);
  }
  if (loaded !== file.size)
    throw new RouterError(
      'artifact_mismatch',
      `${file.url} is ${loaded} bytes, models.json declares ${file.size} (a truncated file)`,
    );
  return bytes;
}
