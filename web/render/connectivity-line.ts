/**
 * @module render/connectivity-line
 * Whether the server can be reached, how many prompts wait for it, storage notices, and a new
 * version of the app when the service worker has one ready. Empty when all is well.
 */
import { html, nothing } from 'lit';
import type { Connectivity } from '../controllers/outbox-delivery.js';
import type { WidgetStrings } from '../strings/strings.js';

export type ConnectivityProps = {
  readonly t: WidgetStrings;
  readonly connectivity: Connectivity;
  readonly queued: number;
  readonly notices: readonly (string | null)[];
  readonly onRetryNow: () => void;
  readonly onUpdate: (() => void) | undefined;
};

const words = (c: Connectivity, t: WidgetStrings) =>
  c === 'offline' ? t.offline : c === 'edge-unreachable' ? t.edgeUnreachable : '';

export function renderConnectivityLine(p: ConnectivityProps) {
  const notices = p.notices.filter((n): n is string => n !== null);
  if (p.connectivity === 'online' && p.queued === 0 && notices.length === 0 && !p.onUpdate) return nothing;
  const { t } = p;
  const said = words(p.connectivity, t);
  return html`<div class="connectivity" part="connectivity" role="status" data-connectivity=${p.connectivity}>
    ${said ? html`<span>${said}</span>` : nothing}
    ${
      p.queued > 0
        ? html`<span class="queued">${t.waitingToSend(p.queued)}</span>
      <button type="button" class="link retry-now" @click=${p.onRetryNow}>${t.tryNow}</button>`
        : nothing
    }
    ${notices.map((n) => html`<span class="warn">⚠ ${n}</span>`)}
    ${p.onUpdate ? html`<span>${t.newVersion}</span><button type="button" class="link update" @click=${p.onUpdate}>${t.reloadToUpdate}</button>` : nothing}
  </div>`;
}
