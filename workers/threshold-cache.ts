/**
 * @module threshold-cache
 * Thresholds come from IndexedDB when a copy whose bytes hash to the sha256 the manifest names is
 * cached, else from the network (then cached under that sha256). A cached copy is verified, never
 * trusted: a recalibrated `thresholds.json` (new sha256) is fetched, a tampered entry is refused and
 * replaced. A table is only ever used with the gate it was calibrated for (issue 16).
 */
import { get, set } from 'idb-keyval';
import { RouterError } from '../core/errors.js';
import { parseThresholdsFile, type ThresholdsFile } from '../core/calibration/threshold-table.js';
import type { ThresholdsSource } from '../core/protocol/worker-api.js';
import { fetchBytes, sha256Hex } from './artifacts.js';

import type { KeyValueStore } from '../core/protocol/key-value-store.js';

export const idbStore: KeyValueStore = { get: (key) => get(key), set: (key, value) => set(key, value) };

/** Without a sha256 to verify against (a models.json entry that names none) the network is asked every load. */
export const thresholdsKey = (sha256: string) => `riskgate:thresholds:${sha256}`;

const parse = (bytes: Uint8Array) => parseThresholdsFile(JSON.parse(new TextDecoder().decode(bytes)) as unknown);

export async function loadThresholds(
  gateSha256: string,
  artifact: { readonly url: string; readonly sha256?: string },
  store: KeyValueStore = idbStore,
): Promise<{ file: ThresholdsFile; source: ThresholdsSource; storageNotice: string | null }> {
  const expected = artifact.sha256 || undefined;
  const cached = expected ? await store.get(thresholdsKey(expected)).catch(() => undefined) : undefined;
  if (cached instanceof Uint8Array && (await sha256Hex(cached)) === expected) {
    try {
      const file = parse(cached);
      if (file.gate_sha256 === gateSha256) return { file, source: 'indexeddb', storageNotice: null };
    } catch {
      /* unreadable although its hash matched: replaced from the network below */
    }
  }
  const bytes = await fetchBytes(artifact.url);
  const sha256 = await sha256Hex(bytes);
  if (expected && sha256 !== expected) {
    throw new RouterError(
      'artifact_mismatch',
      `${artifact.url} has sha256 ${sha256.slice(0, 12)}…, the manifest says ${expected.slice(0, 12)}…`,
    );
  }
  const file = parse(bytes);
  if (file.gate_sha256 !== gateSha256) {
    throw new RouterError(
      'artifact_mismatch',
      `thresholds.json was calibrated for gate ${file.gate_sha256.slice(0, 12)}…, this gate is ${gateSha256.slice(0, 12)}…`,
    );
  }
  if (!expected) return { file, source: 'network', storageNotice: null };
  // A storage failure (quota, private mode) must not stop routing: the table stays in memory for
  // this session, and the page is told so it can say the next load will fetch it again.
  const storageNotice = await store.set(thresholdsKey(sha256), bytes).then(
    () => null,
    (error: unknown) =>
      `thresholds kept in memory only (IndexedDB: ${(error as { name?: string })?.name ?? String(error)})`,
  );
  return { file, source: 'network', storageNotice };
}
