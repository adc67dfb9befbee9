/**
 * @module threshold-cache
 * Thresholds come from IndexedDB when a table for this gate's sha256 is cached, else from the
 * network (then cached). A table is only ever used with the gate it was calibrated for.
 */
import { get, set } from 'idb-keyval';
import { RouterError } from '../core/errors.js';
import { parseThresholdsFile, type ThresholdsFile } from '../core/calibration/threshold-table.js';
import type { ThresholdsSource } from '../core/protocol/worker-api.js';

export type KeyValueStore = { get(key: string): Promise<unknown>; set(key: string, value: unknown): Promise<void> };

export const idbStore: KeyValueStore = { get: (key) => get(key), set: (key, value) => set(key, value) };

export const thresholdsKey = (gateSha256: string) => `riskgate:thresholds:${gateSha256}`;

export async function loadThresholds(
  gateSha256: string, url: string, store: KeyValueStore = idbStore,
): Promise<{ file: ThresholdsFile; source: ThresholdsSource; storageNotice: string | null }> {
  const cached = await store.get(thresholdsKey(gateSha256)).catch(() => undefined);
  if (cached !== undefined) {
    try {
      const file = parseThresholdsFile(cached);
      if (file.gate_sha256 === gateSha256) return { file, source: 'indexeddb', storageNotice: null };
    } catch { /* a corrupt cache entry is replaced from the network below */ }
  }
  const response = await fetch(url).catch((cause: unknown) => {
    throw new RouterError('asset_unreachable', `could not fetch ${url}: ${String(cause)}`, { cause });
  });
  if (!response.ok) throw new RouterError('asset_unreachable', `GET ${url} → ${response.status}`);
  const file = parseThresholdsFile(await response.json());
  if (file.gate_sha256 !== gateSha256) {
    throw new RouterError('artifact_mismatch', `thresholds.json was calibrated for gate ${file.gate_sha256.slice(0, 12)}…, this gate is ${gateSha256.slice(0, 12)}…`);
  }
  // A storage failure (quota, private mode) must not stop routing: the table stays in memory for
  // this session, and the page is told so it can say the next load will fetch it again.
  const storageNotice = await store.set(thresholdsKey(gateSha256), file).then(
    () => null,
    (error: unknown) => `thresholds kept in memory only (IndexedDB: ${(error as { name?: string })?.name ?? String(error)})`,
  );
  return { file, source: 'network', storageNotice };
}
