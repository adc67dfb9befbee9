import { describe, expect, it } from 'vitest';
import { collectDecode } from './collect-decode.js';
import type { PlatformProbe } from '../../core/protocol/capabilities.js';
import { runLocalEngineContract } from './local-engine.contract.js';
import { mapWebLlmError, WebLlmEngine, type WebLlmModel } from './webllm-engine.js';
import {
  createWebLlmDouble,
  doubleHiddenState,
  doubleLogits,
  doublePromptTokens,
  DOUBLE_HIDDEN,
  type DoubleOptions,
} from './webllm/webllm.double.js';

const model: WebLlmModel = {
  modelId: 'Llama-3.2-1B-Instruct-q4f16_1-MLC',
  model: 'https://models.example/Llama-3.2-1B/resolve/main/',
  modelLib: 'https://models.example/lib.wasm',
  contextLength: 64,
  hiddenSize: DOUBLE_HIDDEN,
  f32: {
    modelId: 'Llama-3.2-1B-Instruct-q4f32_1-MLC',
    model: 'https://models.example/Llama-3.2-1B-f32/resolve/main/',
    modelLib: 'https://models.example/lib-f32.wasm',
    contextLength: 64,
    hiddenSize: DOUBLE_HIDDEN,
  },
};
const gpu: PlatformProbe = {
  webgpu: { available: true, shaderF16: true, adapter: 'test', reason: null },
  crossOriginIsolated: false,
  sharedArrayBuffer: false,
  maxWasmThreads: 1,
};
const user = (content: string) => [{ role: 'user' as const, content }];
const create = (options: DoubleOptions, probe = gpu) => {
  const double = createWebLlmDouble(options);
  return { double, engine: WebLlmEngine.create(double.createEngine, model, probe) };
};

for (const abi of [undefined, 'single'] as const) {
  describe(`WebLLM engine, Llama library, ${abi ?? '0.2.79-style (no resolvedModelABI)'} prefill`, () => {
    it('the wrapped prefill yields the post-norm last hidden state with no extra prefill, and logits equal to stock', async () => {
      const { double, engine: pending } = create({ hiddenStateFunctions: true, ...(abi ? { prefillABI: abi } : {}) });
      const engine = await pending;
      expect(engine.info).toMatchObject({ kind: 'webllm', backend: 'webgpu', representation: 'hidden_state_last' });
      const prefill = await engine.prefill(user('Once upon a time'));
      const truth = doubleHiddenState(doublePromptTokens(user('Once upon a time')));
      Array.from(prefill.hiddenState).forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 6));
      Array.from(prefill.lastLogits).forEach((v, i) => expect(v).toBeCloseTo(doubleLogits(truth)[i]!, 6));
      expect(prefill.tokenCount).toBe(16);
      expect(double.calls).toMatchObject({ tappedPrefills: 1, stockPrefills: 0 });
    });

    it('generates the same text as an untapped engine, decoding from the same prefill', async () => {
      const tapped = await create({ hiddenStateFunctions: true, ...(abi ? { prefillABI: abi } : {}) }).engine;
      const plain = await create({ hiddenStateFunctions: false, ...(abi ? { prefillABI: abi } : {}) }).engine;
      await tapped.prefill(user('Lily and Ben'));
      await plain.prefill(user('Lily and Ben'));
      const a = await collectDecode(tapped.decode({ maxTokens: 10 }));
      const b = await collectDecode(plain.decode({ maxTokens: 10 }));
      expect(a.text).toBe(b.text);
      expect(a.tokens).toEqual(b.tokens);
      expect(a.tokens.every((id) => id >= 0)).toBe(true); // ids come from processSampledToken
    });
  });
}

runLocalEngineContract(
  'WebLlmEngine over the web-llm test double (Llama library, single ABI)',
  () => create({ hiddenStateFunctions: true, prefillABI: 'single' }).engine,
);
runLocalEngineContract(
  'WebLlmEngine over the web-llm test double (logits only)',
  () => create({ hiddenStateFunctions: false, prefillABI: 'single' }).engine,
);

describe('WebLLM engine: prompts web-llm forwards in chunks (prefill_chunk_size)', () => {
  const prompt = user('Once upon a time'); // 16 tokens in the double
  for (const chunk of [5, 7]) {
    it(`taps the hidden state of the prompt's last position and counts every token (chunks of ${chunk}${16 % chunk === 1 ? ', the last one token long: a decode call' : ''})`, async () => {
      const { double, engine: pending } = create({
        hiddenStateFunctions: true,
        prefillABI: 'single',
        prefillChunkSize: chunk,
      });
      const engine = await pending;
      const prefill = await engine.prefill(prompt);
      const truth = doubleHiddenState(doublePromptTokens(prompt));
      Array.from(prefill.hiddenState).forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 6));
      Array.from(prefill.lastLogits).forEach((v, i) => expect(v).toBeCloseTo(doubleLogits(truth)[i]!, 6));
      expect(prefill.tokenCount).toBe(16);
      expect(double.calls.tappedPrefills).toBe(Math.ceil(16 / chunk));
      // Decoding afterwards is web-llm's own again.
      const before = double.calls.decodes;
      await collectDecode(engine.decode({ maxTokens: 3 }));
      expect(double.calls.tappedPrefills).toBe(Math.ceil(16 / chunk));
      expect(double.calls.decodes - before).toBe(0); // the double's later steps need no decode call; the tap left them alone
    });
  }

  it('counts every token on the logits path too', async () => {
    const { engine: pending } = create({ hiddenStateFunctions: false, prefillABI: 'single', prefillChunkSize: 5 });
    const prefill = await (await pending).prefill(prompt);
    expect(prefill.tokenCount).toBe(16);
    const truth = doubleLogits(doubleHiddenState(doublePromptTokens(prompt)));
    Array.from(prefill.lastLogits).forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 6));
  });
});

describe('WebLLM engine: cancelling a download', () => {
  it('stops waiting at once with aborted, and unloads the engine if it still arrives', async () => {
    const double = createWebLlmDouble({ hiddenStateFunctions: true, prefillABI: 'single', createDelayMs: 1500 });
    const cancel = new AbortController();
    const started = performance.now();
    const pending = WebLlmEngine.create(double.createEngine, model, gpu, undefined, cancel.signal);
    setTimeout(() => cancel.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    expect(performance.now() - started).toBeLessThan(1000); // not after the 1.5 s reload
    await new Promise((r) => setTimeout(r, 1600));
    expect(double.calls.unloads).toBe(1);
  });
});

describe('WebLLM engine: the hidden-state tap only where it was verified', () => {
  it('on the batch prefill ABI (not runnable offline) it reads the logits and says why', async () => {
    const { double, engine: pending } = create({ hiddenStateFunctions: true, prefillABI: 'batch' });
    const engine = await pending;
    expect(engine.info.representation).toBe('logit_sketch');
    expect(engine.info.representationNote).toBe(
      "web-llm's batch prefill ABI is not verified for the hidden-state tap (verified: web-llm 0.2.79, single prefill ABI)",
    );
    const prefill = await engine.prefill(user('Once upon a time'));
    expect(prefill.hiddenState).toHaveLength(0);
    expect(prefill.tokenCount).toBe(16); // the prompt is still counted
    expect(double.calls).toMatchObject({ tappedPrefills: 0, stockPrefills: 1 });
  });
});

describe('WebLLM engine fallbacks and errors', () => {
  it('without the compiled hidden-state functions it reads the prefill logits through the public LogitProcessor', async () => {
    const { double, engine: pending } = create({ hiddenStateFunctions: false, prefillABI: 'single' });
    const engine = await pending;
    expect(engine.info.representation).toBe('logit_sketch');
    expect(engine.info.representationNote).toContain('not a Llama-architecture library');
    const prefill = await engine.prefill(user('The dog barked'));
    expect(prefill.hiddenState).toHaveLength(0);
    expect(prefill.tokenCount).toBe(doublePromptTokens(user('The dog barked')).length); // counted from web-llm's prefill calls, not 0
    const truth = doubleLogits(doubleHiddenState(doublePromptTokens(user('The dog barked'))));
    Array.from(prefill.lastLogits).forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 6));
    expect(double.calls.stockPrefills).toBe(1);
  });

  it('fails fast without WebGPU, and picks the f32 build when the adapter lacks shader-f16', async () => {
    const noGpu: PlatformProbe = {
      ...gpu,
      webgpu: { available: false, shaderF16: false, adapter: null, reason: 'no WebGPU adapter' },
    };
    await expect(create({ hiddenStateFunctions: true }, noGpu).engine).rejects.toMatchObject({
      code: 'engine_failed',
      message: expect.stringContaining('no WebGPU adapter'),
    });
    const { double, engine } = create(
      { hiddenStateFunctions: true },
      { ...gpu, webgpu: { ...gpu.webgpu, shaderF16: false } },
    );
    expect((await engine).info.model).toBe('Llama-3.2-1B-Instruct-q4f32_1-MLC');
    expect(double.calls.createdModelId).toBe('Llama-3.2-1B-Instruct-q4f32_1-MLC');
  });

  it('a deferred prompt interrupts the pending generation before the next prefill', async () => {
    const { double, engine: pending } = create({ hiddenStateFunctions: true, prefillABI: 'batch' });
    const engine = await pending;
    await engine.prefill(user('first'));
    await engine.prefill(user('second'));
    expect(double.calls.interrupts).toBe(1);
  });

  for (const lockRelease of ['0.2.79', '0.2.86'] as const) {
    it(`prompt after prompt, however each ended, web-llm ${lockRelease}'s model lock is released (no prompt waits forever)`, async () => {
      const { double, engine: pending } = create({ hiddenStateFunctions: true, lockRelease });
      const engine = await pending;
      const withinOneSecond = <T>(p: Promise<T>) =>
        Promise.race([
          p,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('waited for the model lock')), 1000)),
        ]);
      await engine.prefill(user('stopped at max tokens'));
      expect((await collectDecode(engine.decode({ maxTokens: 3 }))).tokens).toHaveLength(3);
      await withinOneSecond(engine.prefill(user('deferred: never decoded')));
      engine.reset();
      await withinOneSecond(engine.prefill(user('stopped by the user')));
      const stop = new AbortController();
      for await (const token of engine.decode({ maxTokens: 8, signal: stop.signal })) {
        void token;
        stop.abort();
      }
      await withinOneSecond(engine.prefill(user('answered')));
      expect((await collectDecode(engine.decode({ maxTokens: 2 }))).tokens).toHaveLength(2);
      expect(double.calls.locked).toBe(false);
    });
  }

  it('maps web-llm errors to stable codes', async () => {
    await expect(
      create({ hiddenStateFunctions: true, failWith: 'Out of memory: allocation failed' }).engine,
    ).rejects.toMatchObject({ code: 'engine_failed', message: expect.stringContaining('out of GPU memory') });
    expect(mapWebLlmError(new Error('Prompt tokens exceed context window size: 5000 > 4096'))).toMatchObject({
      code: 'context_window_exceeded',
    });
    expect(mapWebLlmError(new Error('GPU device was lost'))).toMatchObject({
      code: 'engine_failed',
      message: expect.stringContaining('device lost'),
    });
    expect(mapWebLlmError(new Error('WebGPU is not supported in your current environment'))).toMatchObject({
      code: 'engine_failed',
      message: expect.stringContaining('no usable WebGPU'),
    });
  });
});
