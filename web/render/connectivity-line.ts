/**
 * @module render/connectivity-line
 * Whether the server can be reached, how many prompts wait for it, storage notices, and a new
 * version of the app when the service worker has one ready. Empty when all is well.
 */
import { html, nothing } from 'lit';
import type { Connectivity } from '../controllers/outbox-delivery.js';

export type ConnectivityProps = {
  readonly connectivity: Connectivity;
  readonly queued: number;
  readonly notices: readonly (string | null)[];
  readonly onRetryNow: () => void;
  readonly onUpdate: (() => void) | undefined;
};

const WORDS: Record<Connectivity, string> = {
  online: '',
  offline: 'You are offline. Messages the device can answer are answered here; the others wait.',
  'edge-unreachable': 'The server cannot be reached right now.',
};

export function renderConnectivityLine(p: ConnectivityProps) {
  const notices = p.notices.filter((n): n is string => n !== null);
  if (p.connectivity === 'online' && p.queued === 0 && notices.length === 0 && !p.onUpdate) return nothing;
  return html`<div class="connectivity" part="connectivity" role="status" data-connectivity=${p.connectivity}>
    ${WORDS[p.connectivity] ? html`<span>${WORDS[p.connectivity]}</span>` : nothing}
    ${
      p.queued > 0
        ? html`<span class="queued">${p.queued} message${p.queued > 1 ? 's' : ''} waiting to be sent.</span>
      <button type="button" class="link retry-now" @click=${p.onRetryNow}>Try now</button>`
        : nothing
    }
    ${notices.map((n) => html`<span class="warn">⚠ ${n}</span>`)}
    ${p.onUpdate ? html`<span>A new version is available.</span><button type="button" class="link update" @click=${p.onUpdate}>Reload to update</button>` : nothing}
  </div>`;
}
