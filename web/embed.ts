/**
 * @module embed
 * The drop-in entry: built to a stable `riskgate-chat.js` so a page needs one
 * `<script type="module" src="…/riskgate-chat.js">` and one `<riskgate-chat>` element.
 */
export { RiskgateChat } from './components/riskgate-chat.js';
