/**
 * @module load/fallback-ladder
 * Walks the rungs `ladderFor` ordered (WebLLM → ORT WebGPU → ORT WASM → edge-only): a rung that
 * fails to load hands over to the next, with its error code recorded; a cancelled load stops the
 * walk (it is not a broken rung).
 */
import { toErrorPayload } from '../../core/errors.js';
import type { Rung } from '../../core/protocol/capabilities.js';

export type RungAttempt = { readonly rung: Rung; readonly reason: string };

export async function walkLadder<T>(
  order: readonly Rung[],
  tryRung: (rung: Exclude<Rung, 'edge-only'>) => Promise<T>,
): Promise<{ rung: Rung; loaded: T | undefined; failed: RungAttempt[] }> {
  const failed: RungAttempt[] = [];
  for (const rung of order) {
    if (rung === 'edge-only') break;
    try {
      return { rung, loaded: await tryRung(rung), failed };
    } catch (error) {
      const { code, message } = toErrorPayload(error);
      if (code === 'aborted') throw error;
      failed.push({ rung, reason: `${code}: ${message}` });
    }
  }
  return { rung: 'edge-only', loaded: undefined, failed };
}

/** The status line's "why this rung", in the order a reader asks: what failed, else what chose it. */
export function rungReason(rung: Rung, failed: readonly RungAttempt[], chosenBecause: string): string {
  const failures = failed.map((t) => `${t.rung}: ${t.reason}`).join('; ');
  if (rung === 'edge-only') return `no local engine could load (${failures || 'none configured'})`;
  return failures ? `fell back: ${failures}` : chosenBecause;
}
