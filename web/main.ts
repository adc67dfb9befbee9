/**
 * @module main
 * The demo app: one `<riskgate-chat>` pointed at the edge proxy the start script launched.
 */
import './components/riskgate-chat.js';

const chat = document.querySelector('riskgate-chat');
const endpoint = import.meta.env.VITE_RISKGATE_ENDPOINT as string | undefined;
if (chat && endpoint && !chat.hasAttribute('endpoint')) chat.endpoint = endpoint;
