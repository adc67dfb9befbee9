/**
 * @module data/dedupe
 * One record per prompt: the same prompt twice would sit in two splits at once (train and test)
 * and inflate whichever it lands in. The first copy is kept when all copies carry the same
 * outcomes; a prompt whose copies disagree is dropped (no label to trust). Both are counted.
 */
import type { RoutingRecord } from './routing-dataset.js';

export function dedupeByPrompt(records: readonly RoutingRecord[]): {
  records: RoutingRecord[];
  duplicates: number;
  conflicting: number;
} {
  const byPrompt = new Map<string, RoutingRecord[]>();
  for (const r of records) byPrompt.set(r.prompt, [...(byPrompt.get(r.prompt) ?? []), r]);
  const kept: RoutingRecord[] = [];
  let conflicting = 0;
  for (const copies of byPrompt.values()) {
    if (new Set(copies.map((c) => JSON.stringify(c.outcomes))).size === 1) kept.push(copies[0]!);
    else conflicting++;
  }
  return { records: kept, duplicates: records.length - byPrompt.size, conflicting };
}
