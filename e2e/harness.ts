/**
 * @module harness
 * The type of what e2e/harness.html puts on `window`: the built widget's `createRouterClient`, so
 * Playwright can drive the real worker (golden checks per execution provider, browser benchmarks)
 * without the element.
 */
import type { createRouterClient } from '../web/worker-client.js';

declare global {
  interface Window {
    riskgateHarness: { createRouterClient: typeof createRouterClient };
  }
}
