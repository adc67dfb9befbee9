/**
 * @module embed
 * The drop-in entry, built to a stable `riskgate-chat.js`: a page needs one
 * `<script type="module" src="…/riskgate-chat.js">` and one `<riskgate-chat>` element. This
 * module's own URL is the widget's home: `models-url` defaults to the `models/` folder beside it,
 * wherever `dist/` was copied and whichever origin serves it (decision 014).
 */
import { RiskgateChat } from './components/riskgate-chat.js';
import { registerServiceWorker, type OfflineAppOptions } from './offline/register-offline-app.js';

RiskgateChat.defaultModelsUrl = new URL('models/', import.meta.url).href;
if (!customElements.get('riskgate-chat')) customElements.define('riskgate-chat', RiskgateChat);

export { RiskgateChat };
/** The router worker client without the element (benchmarks, custom UIs). */
export { createRouterClient } from './worker-client.js';

/** Makes the page an offline-first app with the service worker built beside this script (decision 016). */
export const registerOfflineApp = (options?: OfflineAppOptions) =>
  registerServiceWorker(new URL(/* @vite-ignore */ 'sw.js', import.meta.url).href, options);
