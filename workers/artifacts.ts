/**
 * @module artifacts
 * Fetches what the worker runs (manifest, local model, tokenizer, gate) and checks each
 * sha256 the manifest names, so a stale or swapped file fails loudly instead of routing wrongly.
 */
import { RouterError } from '../core/errors.js';
import type { ModelManifest } from '../core/protocol/manifest.js';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url).catch((cause: unknown) => {
    throw new RouterError('invalid_artifact', `could not fetch ${url}: ${String(cause)}`, { cause });
  });
  if (!response.ok) throw new RouterError('invalid_artifact', `GET ${url} → ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function fetchVerified(url: string, expectedSha256: string): Promise<{ bytes: Uint8Array; sha256: string }> {
  const bytes = await fetchBytes(url);
  const sha256 = await sha256Hex(bytes);
  if (expectedSha256 && sha256 !== expectedSha256) {
    throw new RouterError('artifact_mismatch', `${url} has sha256 ${sha256.slice(0, 12)}…, the manifest says ${expectedSha256.slice(0, 12)}…`);
  }
  return { bytes, sha256 };
}

export async function fetchManifest(modelsUrl: string): Promise<ModelManifest> {
  const manifest = JSON.parse(new TextDecoder().decode(await fetchBytes(new URL('manifest.json', modelsUrl).href))) as ModelManifest;
  if (manifest.format !== 'riskgate.manifest/1') throw new RouterError('invalid_artifact', 'manifest.json is not riskgate.manifest/1');
  return manifest;
}
