/**
 * @module render/status-line
 * What runs where, in plain words; the fallback ladder, threads and thresholds source behind a
 * details toggle. While loading: progress and Cancel; after a failure the error turn offers Retry.
 */
import { html, nothing } from 'lit';
import type { ConnectionState } from '../controllers/worker-connection.js';
import type { WorkerStatus } from '../../core/protocol/worker-api.js';
import { promiseWords } from '../../core/decision/promise.js';

export type StatusLineProps = {
  readonly state: ConnectionState;
  readonly preload: 'none' | 'auto';
  readonly mode: 'auto' | 'local' | 'edge';
  readonly onCancel: () => void;
};

const ENGINE_WORDS: Record<string, string> = { wasm: 'WebAssembly', webgpu: 'WebGPU', cpu: 'CPU' };

/** The words describe the policy this widget runs: a site owner's `mode` overrides the gate. */
function plainReady(status: WorkerStatus, mode: StatusLineProps['mode']): string {
  const slow =
    status.capabilities.rung === 'gguf-wasm' && status.capabilities.wasmThreads === 1
      ? ' It runs on one thread here, so its answers come slowly.'
      : '';
  if (mode === 'edge') return 'Ready. Every message goes to the server.';
  if (mode === 'local' && status.engine) {
    return `Ready. A small model on this device (${ENGINE_WORDS[status.engine.backend] ?? status.engine.backend}) answers every message; nothing checks its answers first.${slow}`;
  }
  if (!status.engine && status.capabilities.reason.startsWith('gate_labels_mismatch')) {
    return 'The on-device model has not been checked on its own answers, so every message goes to the server.';
  }
  if (!status.engine) return 'The on-device model could not start here, so every message goes to the server.';
  const points = status.grid.costWeights.length * status.grid.riskLevels.length;
  if (status.uncertified.length === points) {
    return 'Ready. The small model on this device was not good enough on the examples it was checked on, so every message goes to the server.';
  }
  return `Ready. A small model on this device (${ENGINE_WORDS[status.engine.backend] ?? status.engine.backend}) answers when it safely can; other messages go to the server.${slow}`;
}

/** The visitor reads what it costs them; the code and the browser's own words are in the details. */
function plainStorage(notice: string): string {
  const words: string[] = [];
  if (notice.includes('the model')) {
    words.push(
      notice.includes('quota_exceeded')
        ? 'This browser has too little room left for this site, so the on-device model will be downloaded again next visit.'
        : 'This browser could not keep the on-device model, so it will be downloaded again next visit.',
    );
  }
  if (notice.includes('thresholds'))
    words.push('This browser could not keep the answer settings, so they are fetched again next visit.');
  return words.join(' ') || 'This browser could not keep some files for next time.';
}

function details(status: WorkerStatus) {
  const caps = status.capabilities;
  return html`<details class="internals"><summary>Details</summary><dl>
    <dt>Local model</dt><dd>${status.engine ? `${status.engine.model} (${status.engine.kind}, ${status.engine.backend}${status.engine.backend === 'wasm' ? `, ${caps.wasmThreads} thread${caps.wasmThreads > 1 ? 's' : ''}` : ''})` : 'none (edge only)'}</dd>
    <dt>Runtime</dt><dd>${caps.rung}: ${caps.reason}</dd>
    <dt>Threads</dt><dd>${caps.wasmThreadsReason}</dd>
    <dt>Thresholds</dt><dd>${status.gateSha256 ? `from ${status.thresholdsSource}` : 'none'}</dd>
    ${status.storageNotice ? html`<dt>Storage</dt><dd>${status.storageNotice}</dd>` : nothing}
    <dt>Promise</dt><dd>${
      status.engine
        ? html`${promiseWords(status.promise).summary}
      Checked on the answers of ${status.promise.labelsModel}.`
        : 'none: nothing is answered on this device'
    }</dd>
    <dt>Loaded in</dt><dd>${Math.round(status.loadMs)} ms</dd>
  </dl></details>`;
}

/** A visitor on a metered connection wants to know what this download costs before it is done. */
const megabytes = (bytes: number) =>
  bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;

export function renderStatusLine(p: StatusLineProps) {
  const s = p.state;
  switch (s.phase) {
    case 'idle':
      return html`<div class="status" part="status" role="status">${p.preload === 'none' ? 'The on-device model loads when you start typing.' : 'Starting…'}</div>`;
    case 'loading': {
      const pr = s.progress;
      const percent = pr?.total ? Math.round((100 * pr.loaded) / pr.total) : undefined;
      return html`<div class="status" part="status" role="status">
        <span>Getting the on-device model ready${percent !== undefined && pr?.stage === 'model' ? ` (${percent}% of ${megabytes(pr.total!)})` : ''}…</span>
        <progress part="progress" aria-label="Loading the on-device model" max=${pr?.total ?? nothing} value=${pr?.total ? pr.loaded : nothing}></progress>
        <button type="button" part="cancel" class="cancel link" @click=${p.onCancel}>Cancel</button>
      </div>`;
    }
    case 'ready':
      return html`<div class="status" part="status" role="status"><span>${plainReady(s.status, p.mode)}</span>
        ${s.status.storageNotice ? html`<span class="warn"> ⚠ ${plainStorage(s.status.storageNotice)}</span>` : nothing}${details(s.status)}</div>`;
    case 'failed':
      return html`<div class="status failed" part="status" role="status">The on-device model is not ready (see below).</div>`;
  }
}
