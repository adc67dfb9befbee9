/**
 * @module harness
 * Test-only page script: exposes `createRouterClient` so Playwright can drive the real worker
 * (golden checks per execution provider, browser benchmarks) without the widget.
 */
import { createRouterClient } from '../web/worker-client.js';

declare global {
  interface Window { riskgateHarness: { createRouterClient: typeof createRouterClient } }
}
window.riskgateHarness = { createRouterClient };
