/**
 * @module load/progress
 * Byte progress per artifact, at most every 64 KB (each report is a message to the page).
 */
import type { LoadProgress } from '../../core/protocol/worker-api.js';
import type { OnBytes } from '../artifacts.js';

export type ReportProgress = (progress: LoadProgress) => void;

export function byteProgress(report: ReportProgress, stage: LoadProgress['stage'], name: string): OnBytes {
  let reported = -Infinity;
  return (loaded, total) => {
    if (loaded - reported < 65_536 && loaded !== total) return;
    reported = loaded;
    report({
      stage,
      loaded,
      total,
      text: `downloading ${name}: ${Math.round(loaded / 1024)}${total ? ` / ${Math.round(total / 1024)}` : ''} KB`,
    });
  };
}
