import { expect, test } from '@playwright/test';
import { PROXY_URL } from './fixtures.js';

test('loading reports riskgate-progress per stage with bytes; the model stage ends at its full size', async ({ page }) => {
  await page.goto('/');
  const result = await page.evaluate(async (endpoint) => {
    document.querySelector('riskgate-chat')?.remove();
    const seen: { stage: string; loaded: number; total: number | null; text: string }[] = [];
    document.addEventListener('riskgate-progress', (e) => seen.push((e as CustomEvent).detail));
    const el = document.createElement('riskgate-chat');
    el.setAttribute('endpoint', endpoint);
    document.body.append(el);
    await el.ready;
    await el.updateComplete;
    const modelBytes = (await (await fetch('/models/stories260K/model.onnx')).arrayBuffer()).byteLength;
    return { seen, modelBytes, progressBarAfterReady: el.shadowRoot!.querySelector('progress') !== null };
  }, PROXY_URL);
  const stages = [...new Set(result.seen.map((p) => p.stage))];
  expect(stages).toEqual(['manifest', 'gate', 'thresholds', expect.any(String), expect.any(String), 'compile', 'ready']);
  expect(stages).toEqual(expect.arrayContaining(['model', 'tokenizer']));
  const model = result.seen.filter((p) => p.stage === 'model');
  expect(model.length).toBeGreaterThan(1);
  model.slice(1).forEach((p, i) => expect(p.loaded).toBeGreaterThanOrEqual(model[i]!.loaded));
  expect(model.at(-1)).toMatchObject({ loaded: result.modelBytes, total: result.modelBytes });
  expect(model.at(-1)!.text).toContain('stories260K');
  expect(result.seen.at(-1)).toMatchObject({ stage: 'ready', text: 'ready: onnx-wasm' });
  expect(result.progressBarAfterReady).toBe(false);
});
