/**
 * @module artifacts
 * Fetches what the worker runs (manifest, local model, tokenizer, gate) and checks each
 * sha256 the manifest names, so a stale or swapped file fails loudly instead of routing wrongly.
 */
import { isThreadsPreference } from '../core/runtime/backend-ladder.js';
import { RouterError } from '../core/errors.js';
import type { ModelManifest } from '../core/protocol/manifest.js';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Bytes received so far and the expected total (Content-Length; null when the server sends none). */
export type OnBytes = (loaded: number, total: number | null) => void;

/** Streams the body so a caller can show download progress; a second load comes from the HTTP cache. */
export async function fetchBytes(url: string, onBytes?: OnBytes, signal?: AbortSignal): Promise<Uint8Array> {
  const aborted = (cause: unknown) => new RouterError('aborted', `download of ${url} cancelled`, { cause });
  const response = await fetch(url, signal ? { signal } : {}).catch((cause: unknown) => {
    if (signal?.aborted) throw aborted(cause);
    throw new RouterError(
      'asset_unreachable',
      `could not fetch ${url} (offline, blocked by CORS, or the server is down): ${String(cause)}`,
      { cause },
    );
  });
  if (!response.ok) throw new RouterError('asset_unreachable', `GET ${url} → ${response.status}`);
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 && !response.headers.get('content-encoding') ? length : null;
  if (!onBytes || !response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  const read = () =>
    reader.read().catch((cause: unknown) => {
      throw signal?.aborted ? aborted(cause) : cause;
    });
  for (let r = await read(); !r.done; r = await read()) {
    chunks.push(r.value);
    loaded += r.value.byteLength;
    onBytes(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  onBytes(loaded, loaded);
  return bytes;
}

export async function fetchVerified(
  url: string,
  expectedSha256: string,
  onBytes?: OnBytes,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; sha256: string }> {
  const bytes = await fetchBytes(url, onBytes, signal);
  const sha256 = await sha256Hex(bytes);
  if (expectedSha256 && sha256 !== expectedSha256) {
    throw new RouterError(
      'artifact_mismatch',
      `${url} has sha256 ${sha256.slice(0, 12)}…, the manifest says ${expectedSha256.slice(0, 12)}…`,
    );
  }
  return { bytes, sha256 };
}

export async function fetchManifest(modelsUrl: string, signal?: AbortSignal): Promise<ModelManifest> {
  const manifest = JSON.parse(
    new TextDecoder().decode(await fetchBytes(new URL('manifest.json', modelsUrl).href, undefined, signal)),
  ) as ModelManifest;
  if (manifest.format !== 'riskgate.manifest/1')
    throw new RouterError('invalid_artifact', 'manifest.json is not riskgate.manifest/1');
  const runtime = manifest.local_model.runtime;
  if (
    runtime &&
    (!['wasm', 'webgpu'].includes(runtime.backend) ||
      typeof runtime.wasm_threads !== 'number' ||
      !isThreadsPreference(runtime.wasm_threads))
  ) {
    throw new RouterError(
      'invalid_artifact',
      `manifest.json local_model.runtime needs backend wasm|webgpu and wasm_threads 1..64, not ${JSON.stringify(runtime)}`,
    );
  }
  return manifest;
}
