/**
 * @module embed
 * The drop-in entry, built to a stable `riskgate-chat.js`: a page needs one
 * `<script type="module" src="…/riskgate-chat.js">` and one `<riskgate-chat>` element. This
 * module's own URL is the widget's home: `models-url` defaults to the `models/` folder beside it,
 * wherever `dist/` was copied and whichever origin serves it (decision 014).
 */
import { RiskgateChat } from './components/riskgate-chat.js';

RiskgateChat.defaultModelsUrl = new URL('models/', import.meta.url).href;
if (!customElements.get('riskgate-chat')) customElements.define('riskgate-chat', RiskgateChat);

export { RiskgateChat };
/** The router worker client without the element (benchmarks, custom UIs). */
export { createRouterClient } from './worker-client.js';
