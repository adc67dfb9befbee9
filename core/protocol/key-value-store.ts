/**
 * @module protocol/key-value-store
 * What the router keeps between visits (thresholds, adaptive state, measured speeds) is written
 * through this seam: IndexedDB in the browser (workers/threshold-cache.ts), a Map in tests and
 * in the replay of `riskgate transfer --online`.
 */
export type KeyValueStore = { get(key: string): Promise<unknown>; set(key: string, value: unknown): Promise<void> };
