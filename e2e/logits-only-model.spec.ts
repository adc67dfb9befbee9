import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BENCH_PROMPTS } from '../core/bench-prompts.js';
import { buildGateGraph } from '../core/gate/gate-graph.js';
import { trainMarginGate } from '../core/gate/mlp.js';
import { createNodeGate } from '../cli/gate-node.js';
import { convertCheckpoint, createNodeEngine, sha256Hex } from '../node/local-model.js';
import { encodeOnnxModel } from '../node/onnx-write.js';
import { CHECKPOINT_PATH, LOCAL_MODEL_ID, MODELS_DIR } from '../node/paths.js';
import { representationInfo } from '../cli/representations/representations.js';
import { createRepresentationReader } from '../workers/gate/representation-reader.js';
import { collectDecode } from '../workers/engine/collect-decode.js';

// Decision 013: an ONNX model in the Optimum / transformers.js layout (attention_mask and
// position_ids inputs, no hidden_states) runs in the worker with a gate on its logits' sketch.
// The artifacts are built here and served in place of the embedded ones.
const model = convertCheckpoint(CHECKPOINT_PATH, LOCAL_MODEL_ID, 'transformers').onnx;
const info = representationInfo('logit_sketch');
const read = createRepresentationReader(info);
const committed = (name: string) => readFileSync(resolve(MODELS_DIR, name), 'utf8');
const COST_WEIGHT = 0.5;

async function logitSketchGate(): Promise<Uint8Array> {
  const engine = await createNodeEngine('transformers');
  const reps: Float32Array[] = [];
  for (const prompt of BENCH_PROMPTS) reps.push(read(await engine.prefill([{ role: 'user', content: prompt }])));
  // Any fixed target will do: the test is about the browser reading what Node reads.
  const { weights } = trainMarginGate(reps, (r, λ) => (r % 2 === 0 ? 0.3 : -0.2) - 0.05 * λ, {
    seed: 1,
    maxCostWeight: 8,
    epochs: 5,
  });
  return encodeOnnxModel(buildGateGraph(weights, { representation: info, trainingDataSha256: 'e2e', seed: 1 }));
}

/** Serves the logits-only model with `gate`, and thresholds that name what the gate reads. */
async function serve(page: Page, gate: Uint8Array, representation: object): Promise<void> {
  const manifest = JSON.parse(committed('manifest.json')) as {
    local_model: { sha256: string };
    gate: { sha256: string };
  };
  manifest.local_model.sha256 = sha256Hex(model);
  manifest.gate.sha256 = sha256Hex(gate);
  const thresholds = {
    ...(JSON.parse(committed('thresholds.json')) as object),
    gate_sha256: sha256Hex(gate),
    representation,
  };
  (manifest as { thresholds?: { sha256?: string } }).thresholds!.sha256 = sha256Hex(
    Buffer.from(JSON.stringify(thresholds)),
  );
  await page.route('**/models/manifest.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify(manifest) }),
  );
  await page.route('**/models/stories260K/model.onnx', (route) => route.fulfill({ body: Buffer.from(model) }));
  await page.route('**/models/gate.onnx', (route) => route.fulfill({ body: Buffer.from(gate) }));
  await page.route('**/models/thresholds.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify(thresholds) }),
  );
}

for (const backend of ['wasm', 'webgpu'] as const)
  test(`a logits-only ONNX model on ${backend}: the worker feeds its extra inputs, scores its logit sketch as Node does, and decodes the same text`, async ({
    page,
  }) => {
    const gate = await logitSketchGate();
    await serve(page, gate, info);
    const engine = await createNodeEngine('transformers');
    const score = await createNodeGate(gate);
    const expected: { score: number; text: string }[] = [];
    for (const prompt of BENCH_PROMPTS.slice(0, 3)) {
      const prefill = await engine.prefill([{ role: 'user', content: prompt }]);
      const text = (await collectDecode(engine.decode({ maxTokens: 16 }))).text;
      expected.push({ score: (await score([read(prefill)], COST_WEIGHT))[0]!, text });
    }

    await page.goto('/e2e/harness.html');
    const got = await page.evaluate(
      async ({ prompts, costWeight, backend }) => {
        const client = window.riskgateHarness.createRouterClient();
        const status = await client.init({ modelsUrl: new URL('/models/', location.href).href, backend });
        const out: { score: number; text: string }[] = [];
        for (const prompt of prompts) {
          let score = NaN;
          let text = '';
          await client.route(
            {
              messages: [{ role: 'user', content: prompt }],
              costWeight,
              riskLevel: 0.1,
              mode: 'local',
              endpoint: 'http://localhost:9',
              maxTokens: 16,
            },
            (e) => {
              if (e.type === 'decision') score = e.decision.score;
              if (e.type === 'token') text += e.text;
            },
          );
          out.push({ score, text });
        }
        client.terminate();
        return { engine: status.engine, out };
      },
      { prompts: BENCH_PROMPTS.slice(0, 3), costWeight: COST_WEIGHT, backend },
    );

    expect(got.engine).toMatchObject({ kind: 'onnx', backend, representation: 'logit_sketch', hiddenSize: 0 });
    got.out.forEach((g, k) => {
      expect(Math.abs(g.score - expected[k]!.score), `prompt ${k} score`).toBeLessThan(1e-4);
      expect(g.text, `prompt ${k} text`).toBe(expected[k]!.text);
    });
  });

test('the embedded hidden-state gate on a logits-only model is refused with artifact_mismatch, naming the cause; the edge answers', async ({
  page,
}) => {
  const hiddenGate = new Uint8Array(readFileSync(resolve(MODELS_DIR, 'gate.onnx')));
  await serve(
    page,
    hiddenGate,
    (JSON.parse(committed('thresholds.json')) as { representation: object }).representation,
  );
  await page.goto('/e2e/harness.html');
  const status = await page.evaluate(async () => {
    const client = window.riskgateHarness.createRouterClient();
    try {
      const s = await client.init({ modelsUrl: new URL('/models/', location.href).href });
      return { rung: s.capabilities.rung, reason: s.capabilities.reason, engine: s.engine };
    } finally {
      client.terminate();
    }
  });
  expect(status).toMatchObject({
    rung: 'edge-only',
    engine: null,
    reason: expect.stringMatching(/^artifact_mismatch: .*no hidden_states output/),
  });
});
