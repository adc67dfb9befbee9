import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, GGUF_FILE } from './models/catalogue.js';
import { collectDecode } from '../workers/engine/collect-decode.js';
import { runLocalEngineContract } from '../workers/engine/local-engine.contract.js';
import { LLAMA_NATIVE_DIR, loadLlamaCppModel } from './llama-cpp-engine.js';
import { CACHE_DIR } from './paths.js';

// The native GGUF engine on the real TinyLlama file, when `riskgate models fetch` has run (CI runs
// it before the tests; a plain `npm install` has neither the file nor node-llama-cpp).
const model = CATALOGUE['tinyllama-1.1b-chat']!;
const modelPath = resolve(CACHE_DIR, 'models', model.name, GGUF_FILE);
const fetched = existsSync(modelPath) && existsSync(resolve(LLAMA_NATIVE_DIR, 'node_modules/node-llama-cpp'));
// The weights load once; each engine is a fresh context (KV cache) on them, as the contract needs.
let weights: ReturnType<typeof loadLlamaCppModel> | undefined;
const engine = async () =>
  (await (weights ??= loadLlamaCppModel({ modelPath, modelId: model.modelId, contextLength: 1024 }))).createEngine();

describe.skipIf(!fetched)('LlamaCppEngine (node-llama-cpp, TinyLlama-1.1B-Chat IQ2_XXS)', () => {
  runLocalEngineContract('LlamaCppEngine (native llama.cpp, TinyLlama)', engine);

  it('answers a plain question from the prefill it was represented by, with the template from the file', async () => {
    const e = await engine();
    const prefill = await e.prefill([{ role: 'user', content: 'What is the capital of France?' }]);
    expect(prefill.lastLogits).toHaveLength(32_000);
    const { text, finishReason } = await collectDecode(e.decode({ maxTokens: 40 }));
    expect(text).toMatch(/^The capital of France is Paris/);
    expect(finishReason).toBe('stop'); // its end-of-turn token, before the 40
  });

  it('keeps the KV cache of the turn before: a follow-up prefills only what is new', async () => {
    const e = await engine();
    const first = [{ role: 'user' as const, content: 'What is the capital of France?' }];
    await e.prefill(first);
    const { text } = await collectDecode(e.decode({ maxTokens: 40 }));
    const second = await e.prefill([
      ...first,
      { role: 'assistant', content: text },
      { role: 'user', content: 'And of Germany?' },
    ]);
    expect(second.reusedTokens).toBeGreaterThan(30);
    expect(second.tokenCount - second.reusedTokens).toBeLessThan(second.tokenCount / 2);
    expect((await collectDecode(e.decode({ maxTokens: 40 }))).text).toContain('Berlin');
  });
});
