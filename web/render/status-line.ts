/**
 * @module render/status-line
 * What runs where, in plain words; the fallback ladder, threads and thresholds source behind a
 * details toggle. While loading: progress and Cancel; after a failure the error turn offers Retry.
 */
import { html, nothing } from 'lit';
import type { ConnectionState } from '../controllers/worker-connection.js';
import type { WorkerStatus } from '../../core/protocol/worker-api.js';
import { promiseWords } from '../../core/decision/promise.js';

export type StatusLineProps = { readonly state: ConnectionState; readonly preload: 'none' | 'auto'; readonly onCancel: () => void };

const ENGINE_WORDS: Record<string, string> = { wasm: 'WebAssembly', webgpu: 'WebGPU', cpu: 'CPU' };

function plainReady(status: WorkerStatus): string {
  if (!status.engine && status.capabilities.reason.startsWith('gate_labels_mismatch')) {
    return 'The on-device model has not been checked on its own answers, so every message goes to the server.';
  }
  if (!status.engine) return 'The on-device model could not start here, so every message goes to the server.';
  const points = status.grid.costWeights.length * status.grid.riskLevels.length;
  if (status.uncertified.length === points) {
    return 'Ready. The small model on this device was not good enough on the examples it was checked on, so every message goes to the server.';
  }
  const slow = status.capabilities.rung === 'gguf-wasm' && status.capabilities.wasmThreads === 1 ? ' It runs on one thread here, so its answers come slowly.' : '';
  return `Ready. A small model on this device (${ENGINE_WORDS[status.engine.backend] ?? status.engine.backend}) answers when it safely can; other messages go to the server.${slow}`;
}

function details(status: WorkerStatus) {
  const caps = status.capabilities;
  return html`<details class="internals"><summary>Details</summary><dl>
    <dt>Local model</dt><dd>${status.engine ? `${status.engine.model} (${status.engine.kind}, ${status.engine.backend}${status.engine.backend === 'wasm' ? `, ${caps.wasmThreads} thread${caps.wasmThreads > 1 ? 's' : ''}` : ''})` : 'none (edge only)'}</dd>
    <dt>Runtime</dt><dd>${caps.rung}: ${caps.reason}</dd>
    <dt>Threads</dt><dd>${caps.wasmThreadsReason}</dd>
    <dt>Thresholds</dt><dd>from ${status.thresholdsSource}</dd>
    <dt>Promise</dt><dd>${promiseWords(status.promise).summary}
      Checked on the answers of ${status.promise.labelsModel}.</dd>
    <dt>Loaded in</dt><dd>${Math.round(status.loadMs)} ms</dd>
  </dl></details>`;
}

export function renderStatusLine(p: StatusLineProps) {
  const s = p.state;
  switch (s.phase) {
    case 'idle':
      return html`<div class="status" part="status" role="status">${p.preload === 'none' ? 'The on-device model loads when you start typing.' : 'Starting…'}</div>`;
    case 'loading': {
      const pr = s.progress;
      const percent = pr?.total ? Math.round((100 * pr.loaded) / pr.total) : undefined;
      return html`<div class="status" part="status" role="status">
        <span>Getting the on-device model ready${percent !== undefined && pr?.stage === 'model' ? ` (${percent}%)` : ''}…</span>
        <progress part="progress" aria-label="Loading the on-device model" max=${pr?.total ?? nothing} value=${pr?.total ? pr.loaded : nothing}></progress>
        <button type="button" part="cancel" class="cancel link" @click=${p.onCancel}>Cancel</button>
      </div>`;
    }
    case 'ready':
      return html`<div class="status" part="status" role="status"><span>${plainReady(s.status)}</span>
        ${s.status.storageNotice ? html`<span class="warn"> ⚠ ${s.status.storageNotice}</span>` : nothing}${details(s.status)}</div>`;
    case 'failed':
      return html`<div class="status failed" part="status" role="status">The on-device model is not ready (see below).</div>`;
  }
}
