/**
 * @module render/status-line
 * What runs where, in plain words; the fallback ladder, threads and thresholds source behind a
 * details toggle. While loading: progress and Cancel; after a failure the error turn offers Retry.
 */
import { html, nothing } from 'lit';
import type { ConnectionState } from '../controllers/worker-connection.js';
import type { WorkerStatus } from '../../core/protocol/worker-api.js';
import type { WidgetStrings } from '../strings/strings.js';

export type StatusLineProps = {
  readonly t: WidgetStrings;
  readonly state: ConnectionState;
  readonly preload: 'none' | 'auto';
  readonly mode: 'auto' | 'local' | 'edge';
  readonly onCancel: () => void;
};

const ENGINE_WORDS: Record<string, string> = { wasm: 'WebAssembly', webgpu: 'WebGPU', cpu: 'CPU' };

/** The words describe the policy this widget runs: a site owner's `mode` overrides the gate. */
function plainReady(status: WorkerStatus, mode: StatusLineProps['mode'], t: WidgetStrings): string {
  const slow = status.capabilities.rung === 'gguf-wasm' && status.capabilities.wasmThreads === 1 ? t.oneThread : '';
  if (mode === 'edge') return t.readyEdge;
  const backend = status.engine ? (ENGINE_WORDS[status.engine.backend] ?? status.engine.backend) : '';
  if (mode === 'local' && status.engine) return t.readyLocalOnly(backend) + slow;
  if (!status.engine && status.capabilities.reason.startsWith('gate_labels_mismatch')) return t.notCheckedOwn;
  if (!status.engine) return t.couldNotStart;
  const points = status.grid.costWeights.length * status.grid.riskLevels.length;
  if (status.uncertified.length === points) return t.notGoodEnough;
  return t.readyRouted(backend) + slow;
}

/** The visitor reads what it costs them; the code and the browser's own words are in the details. */
function plainStorage(notice: string, t: WidgetStrings): string {
  const words: string[] = [];
  if (notice.includes('the model')) words.push(notice.includes('quota_exceeded') ? t.storageFull : t.storageModel);
  if (notice.includes('thresholds')) words.push(t.storageThresholds);
  return words.join(' ') || t.storageOther;
}

function details(status: WorkerStatus, t: WidgetStrings) {
  const caps = status.capabilities;
  return html`<details class="internals"><summary>${t.details}</summary><dl>
    <dt>Local model</dt><dd>${status.engine ? `${status.engine.model} (${status.engine.kind}, ${status.engine.backend}${status.engine.backend === 'wasm' ? `, ${caps.wasmThreads} thread${caps.wasmThreads > 1 ? 's' : ''}` : ''})` : 'none (edge only)'}</dd>
    <dt>Runtime</dt><dd>${caps.rung}: ${caps.reason}</dd>
    <dt>Threads</dt><dd>${caps.wasmThreadsReason}</dd>
    <dt>Thresholds</dt><dd>${status.gateSha256 ? `from ${status.thresholdsSource}` : 'none'}</dd>
    ${status.storageNotice ? html`<dt>Storage</dt><dd>${status.storageNotice}</dd>` : nothing}
    <dt>Promise</dt><dd>${
      status.engine
        ? html`${t.promise(status.promise).summary}
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
  const { t } = p;
  const s = p.state;
  switch (s.phase) {
    case 'idle':
      return html`<div class="status" part="status" role="status">${p.preload === 'none' ? t.loadsOnTyping : t.starting}</div>`;
    case 'loading': {
      const pr = s.progress;
      const percent = pr?.total ? Math.round((100 * pr.loaded) / pr.total) : undefined;
      return html`<div class="status" part="status" role="status">
        <span>${t.gettingReady}${percent !== undefined && pr?.stage === 'model' ? ` (${t.progressOf(percent, megabytes(pr.total!))})` : ''}…</span>
        <progress part="progress" aria-label=${t.loadingLabel} max=${pr?.total ?? nothing} value=${pr?.total ? pr.loaded : nothing}></progress>
        <button type="button" part="cancel" class="cancel link" @click=${p.onCancel}>${t.cancel}</button>
      </div>`;
    }
    case 'ready':
      return html`<div class="status" part="status" role="status"><span>${plainReady(s.status, p.mode, t)}</span>
        ${s.status.storageNotice ? html`<span class="warn"> ⚠ ${plainStorage(s.status.storageNotice, t)}</span>` : nothing}${details(s.status, t)}</div>`;
    case 'failed':
      return html`<div class="status failed" part="status" role="status">${t.notReady}</div>`;
  }
}
