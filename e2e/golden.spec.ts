import { expect, test } from '@playwright/test';
import { loadGolden } from '../testing/golden.js';

const golden = loadGolden();

for (const backend of ['wasm', 'webgpu'] as const) {
  test.describe(`stories260K in the router worker on the ${backend} execution provider`, () => {
    test.beforeEach(async ({ page }) => {
      await page.goto('/e2e/harness.html');
      if (backend === 'webgpu') {
        const adapter = await page.evaluate(async () => {
          const a = await (
            navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> } }
          ).gpu?.requestAdapter();
          return a ? (a.info?.architecture ?? 'unknown') : null;
        });
        expect(adapter, 'Chromium must expose a WebGPU adapter (--enable-unsafe-webgpu)').not.toBeNull();
      }
    });

    for (const [name, c] of Object.entries(golden.cases)) {
      test(`golden ${name}: identical greedy ids and text, hidden state within 1e-4`, async ({ page }) => {
        const result = await page.evaluate(
          async ({ backend, prompt, steps }) => {
            const client = window.riskgateHarness.createRouterClient();
            const status = await client.init({ modelsUrl: new URL('/models/', location.href).href, backend });
            const out = await client.tooling.generateLocal([{ role: 'user', content: prompt }], steps);
            client.terminate();
            return {
              backend: status.engine?.backend,
              tokens: out.tokens,
              text: out.text,
              hidden: Array.from(out.hiddenState),
            };
          },
          { backend, prompt: c.prompt, steps: c.generated_tokens.length },
        );
        expect(result.backend).toBe(backend);
        expect(result.tokens).toEqual(c.generated_tokens);
        expect(result.text).toBe(c.completion_text ?? c.full_text);
        const reference = c.final_normed_hidden_at_last_prompt_position;
        if (reference) {
          const worst = Math.max(...reference.map((v, i) => Math.abs(v - result.hidden[i]!)));
          expect(worst).toBeLessThan(1e-4);
        }
      });
    }
  });
}

test('a local answer decodes from the routing prefill: one prefill, one forward per further token', async ({
  page,
}) => {
  await page.goto('/e2e/harness.html');
  const counters = await page.evaluate(async () => {
    const client = window.riskgateHarness.createRouterClient();
    await client.init({ modelsUrl: new URL('/models/', location.href).href, backend: 'wasm' });
    let tokens = 0;
    await client.route(
      {
        messages: [{ role: 'user', content: 'Once upon a time' }],
        costWeight: 0.5,
        riskLevel: 0.1,
        mode: 'local',
        endpoint: 'http://localhost:9',
        maxTokens: 20,
      },
      (e) => {
        if (e.type === 'token') tokens++;
      },
    );
    const c = await client.tooling.counters();
    client.terminate();
    return { tokens, ...c };
  });
  expect(counters).toEqual({ tokens: 20, prefillCalls: 1, prefilledTokens: 5, forwardCalls: 1 + 19 });
});
