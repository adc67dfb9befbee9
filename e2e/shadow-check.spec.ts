/**
 * Shadow checks (issue 15, decision 024): with shadow-rate ρ, an answer the gate kept on the device
 * is also answered by the edge and judged at the proxy; the verdict moves the stored adaptive τ by
 * γ/ρ, the next decision uses it, and the picker shows the drift indicator. The edge model and the
 * judge are OpenAI-compatible servers on loopback behind the real proxy (the judge prefers the
 * answer that says "Paris", which stories260K never does).
 */
import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mount, useStandInGate } from './fixtures.js';
import { startProxy, type RunningProxy } from '../edge-proxy/server.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../edge-proxy/testing/fake-openai-server.js';

let edge: FakeOpenAiServer;
let judge: FakeOpenAiServer;
let proxy: RunningProxy;
let withoutJudge: RunningProxy;
const model = (id: string, url: string) => ({
  kind: 'openai' as const,
  id,
  base_url: url,
  prior_quality: 0.5,
  usd_per_1k_tokens: 0,
  prior_ttft_ms: 100,
  prior_tokens_per_s: 50,
});

test.beforeAll(async () => {
  [edge, judge] = await Promise.all([startFakeOpenAiServer(), startFakeOpenAiServer()]);
  proxy = await startProxy(0, {
    config: {
      models: [model('edge-model', edge.url)],
      judge: model('judge-model', judge.url),
      selector: null,
      cors_origins: ['*'],
    },
  });
  withoutJudge = await startProxy(0, {
    config: { models: [model('edge-model', edge.url)], selector: null, cors_origins: ['*'] },
  });
});
test.afterAll(async () => {
  await Promise.all([proxy.close(), withoutJudge.close()]);
  await Promise.all([edge.close(), judge.close()]);
});

type Decision = { id: string; path: string; reason: string; threshold: number };
type Shadow = {
  decision: Decision;
  verdict?: string;
  judgeModel?: string;
  edge?: { model: string; content: string };
  point?: { threshold: number; shadowChecks: number; shadowShortfalls: number } | null;
  error?: { code: string };
};

async function mountWidget(page: Page, endpoint: string) {
  await useStandInGate(page); // answers given here to check: the shipped gate defers every message
  await mount(page, {
    endpoint,
    'adapt-threshold': 'feedback',
    'shadow-rate': '1',
    'gate-labels': 'any',
    'cost-weight': '8',
    'risk-level': '0.3',
    'max-tokens': '8',
  });
  await page.evaluate(() => {
    const w = window as unknown as { shadows: unknown[] };
    w.shadows = [];
    document.addEventListener('riskgate-shadow', (e) => w.shadows.push((e as CustomEvent).detail));
  });
}

/** Sends prompts until the gate keeps one on the device; returns its decision. */
async function answeredHere(page: Page): Promise<Decision> {
  for (const prompt of [
    'Once upon a time there was a little cat.',
    'Lily went to the park with her mom.',
    'The dog ran after the ball.',
    'Tom liked to play in the sun.',
  ]) {
    const decision = (await page.evaluate(
      async (t) => (await document.querySelector('riskgate-chat')!.send(t)).decision as unknown,
      prompt,
    )) as Decision;
    if (decision.path === 'local') return decision;
  }
  throw new Error('the gate kept none of the prompts on the device');
}

const shadows = (page: Page) => page.evaluate(() => (window as unknown as { shadows: Shadow[] }).shadows);

test('shadow-rate=1: an answer kept here is judged against the edge\'s; "edge better" raises the stored τ by γ/ρ and the next decision uses it', async ({
  page,
}) => {
  await mountWidget(page, proxy.url);
  const kept = await answeredHere(page);
  await expect.poll(async () => (await shadows(page)).length, { timeout: 15_000 }).toBe(1);
  const [shadow] = await shadows(page);
  expect(shadow).toMatchObject({
    decision: { id: kept.id },
    verdict: 'edge_better',
    judgeModel: 'judge-model',
    edge: { model: 'edge-model', content: 'Paris is the capital of France .' },
  });
  expect(shadow!.point).toMatchObject({ shadowChecks: 1, shadowShortfalls: 1 });
  // The decision's step (−γα) and the checked false acceptance (+γ/ρ), with γ = 0.3, α = 0.3, ρ = 1.
  expect(shadow!.point!.threshold).toBeCloseTo(kept.threshold - 0.3 * 0.3 + 0.3, 6);
  const next = (await page.evaluate(
    async () => (await document.querySelector('riskgate-chat')!.send('The end.')).decision as unknown,
  )) as Decision;
  expect(next.threshold).toBeCloseTo(shadow!.point!.threshold, 6);
  // The drift indicator, in words, once every answer kept here was checked (the next one too, if it was kept).
  const checked = next.path === 'local' ? 2 : 1;
  await expect.poll(async () => (await shadows(page)).length, { timeout: 15_000 }).toBe(checked);
  await expect(page.locator('riskgate-chat .note.drift')).toContainText(
    `Checked ${checked === 1 ? '1 answer' : '2 answers'} with the larger model; it did better on ${checked}`,
  );
  await expect(page.locator('riskgate-chat .note.adapted')).toContainText(
    'Adjusted from feedback (checks with the larger model)',
  );
  const { violations } = await new AxeBuilder({ page }).include('riskgate-chat').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await page.locator('riskgate-chat').screenshot({ path: test.info().outputPath('drift-indicator.png') });
});

test('a proxy without a judge: the check fails with a clear code, nothing else changes', async ({ page }) => {
  await mountWidget(page, withoutJudge.url);
  const kept = await answeredHere(page);
  await expect.poll(async () => (await shadows(page)).length, { timeout: 15_000 }).toBe(1);
  const [shadow] = await shadows(page);
  expect(shadow).toMatchObject({ decision: { id: kept.id }, error: { code: 'edge_error' } });
  expect(await page.locator('riskgate-chat li.error').count()).toBe(0); // the visitor sees no error: the answer stands
});
