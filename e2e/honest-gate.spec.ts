/**
 * Issue 22: the promise describes the model that answers. The shipped gate was fitted to
 * stories260K's own graded answers; stories260K answers plain questions wrongly, so every message
 * goes to the edge, and the words say so. A gate fitted to another model's answers is refused.
 */
import { expect, test } from '@playwright/test';
import { exactMatch } from '../core/grading/graders.js';
import { createNodeEngine } from '../node/local-model.js';
import { collectDecode } from '../workers/engine/collect-decode.js';
import { mount, send, useStandInGate } from './fixtures.js';

// The stand-in gate is served by page.route, which a service worker's own fetches bypass.
test.use({ serviceWorkers: 'block' });

const QUESTIONS: readonly [string, string][] = [
  ['What is the capital of France?', 'Paris'],
  ['How many legs does a spider have?', 'eight'],
  ['What is 7 times 8?', '56'],
  ['Which planet is known as the Red Planet?', 'Mars'],
  ['Who wrote Romeo and Juliet?', 'Shakespeare'],
  ['What is the boiling point of water in Celsius?', '100'],
  ['What gas do plants take in from the air?', 'carbon dioxide'],
  ['What is the largest ocean on Earth?', 'Pacific'],
  ['In which continent is Kenya?', 'Africa'],
  ['What is the chemical symbol for gold?', 'Au'],
];

test('with the shipped gate, ten plain questions stories260K gets wrong are all deferred, and the picker says why', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // The device's own answers, as the widget would give them (greedy, 96 tokens): all wrong.
  const engine = await createNodeEngine();
  for (const [question, gold] of QUESTIONS) {
    engine.reset();
    await engine.prefill([{ role: 'user', content: question }]);
    const answer = (await collectDecode(engine.decode({ maxTokens: 96 }))).text;
    expect(exactMatch(answer, gold), `${question} → ${answer}`).toBe('wrong');
  }
  await mount(page, { endpoint: 'http://localhost:8788', 'max-tokens': '8' });
  // The empty state makes no promise the device cannot keep.
  await expect(page.locator('riskgate-chat li.empty')).toHaveText('Ask anything.');
  for (const [costWeight, riskLevel] of [
    ['8', '0.3'],
    ['0.5', '0.1'],
  ] as const) {
    await page.evaluate(
      ({ w, a }) => {
        const el = document.querySelector('riskgate-chat')!;
        el.setAttribute('cost-weight', w);
        el.setAttribute('risk-level', a);
      },
      { w: costWeight, a: riskLevel },
    );
    for (const [question] of QUESTIONS) {
      const r = await send(page, question);
      if (!r.ok) throw new Error(`send failed with ${r.code}`);
      expect(r.decision, question).toMatchObject({ path: 'edge', threshold: Infinity });
    }
  }
  const decision = await page.evaluate(
    async () => (await document.querySelector('riskgate-chat')!.send('Hi')).decision,
  );
  expect(decision.promise).toEqual({ guarantee: 'selective', delta: 0.05, labelsModel: 'stories260K' });
  const widget = page.locator('riskgate-chat');
  await expect(widget.locator('label[for="risk"]')).toHaveText(
    'Of the answers given on this device, how many may fall short',
  );
  await expect(widget.locator('.operating-point .note')).toContainText(
    'not good enough on the examples it was checked on',
  );
  await expect(widget.locator('.status > span').first()).toContainText(
    'not good enough on the examples it was checked on, so every message goes to the server',
  );
  await widget.screenshot({ path: test.info().outputPath('honest-gate.png') });
});

test("a gate fitted to another model's answers is refused: edge-only with gate_labels_mismatch, and the visitor can still chat", async ({
  page,
}) => {
  await useStandInGate(page);
  const { caps, status } = await mount(page, { endpoint: 'http://localhost:8788', 'max-tokens': '8' });
  expect(caps.rung).toBe('edge-only');
  expect(caps.reason).toMatch(
    /^gate_labels_mismatch: the gate was fitted to the answers of mistralai\/Mixtral-8x7B-Instruct-v0\.1, but stories260K answers here/,
  );
  expect(status).toContain('has not been checked on its own answers');
  const r = await send(page, 'Once upon a time');
  expect(r).toMatchObject({ ok: true, path: 'edge', decision: { path: 'edge' } });
  // With gate-labels="any" the same gate routes, and the promise names whose answers it is about.
  await useStandInGate(page);
  const evaluated = await mount(page, { endpoint: 'http://localhost:8788', 'gate-labels': 'any', 'max-tokens': '8' });
  expect(evaluated.caps.rung).toBe('onnx-wasm');
  const decision = await page.evaluate(
    async () => (await document.querySelector('riskgate-chat')!.send('Once upon a time')).decision,
  );
  expect(decision.promise).toEqual({
    guarantee: 'marginal',
    delta: null,
    labelsModel: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
  });
  await expect(page.locator('riskgate-chat label[for="risk"]')).toHaveText(
    'Of all messages, how many may get a worse answer here',
  );
});
