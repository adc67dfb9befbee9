import { describe, expect, it } from 'vitest';
import type { PlatformProbe } from '../protocol/capabilities.js';
import { isThreadsPreference, ladderFor, wasmThreadsFor } from './backend-ladder.js';

const gpu: PlatformProbe = {
  webgpu: { available: true, shaderF16: false, adapter: 'swiftshader', reason: null },
  crossOriginIsolated: false,
  sharedArrayBuffer: false,
  maxWasmThreads: 1,
};
const noGpu: PlatformProbe = {
  ...gpu,
  webgpu: { available: false, shaderF16: false, adapter: null, reason: 'no WebGPU adapter' },
};

describe('fallback ladder order', () => {
  it('auto: the measured default (WASM) first, WebGPU as its fallback, edge-only last', () => {
    expect(ladderFor(gpu, 'auto').order).toEqual(['onnx-wasm', 'onnx-webgpu', 'edge-only']);
  });
  it("auto follows the model's measured EP: a model measured faster on WebGPU starts there", () => {
    expect(ladderFor(gpu, 'auto', false, { backend: 'webgpu', wasmThreads: 1 }).order).toEqual([
      'onnx-webgpu',
      'onnx-wasm',
      'edge-only',
    ]);
    expect(ladderFor(gpu, 'wasm', false, { backend: 'webgpu', wasmThreads: 1 }).order[0]).toBe('onnx-wasm');
  });
  it('webgpu preferred: WebGPU first; without an adapter it is skipped with the reason', () => {
    expect(ladderFor(gpu, 'webgpu').order).toEqual(['onnx-webgpu', 'onnx-wasm', 'edge-only']);
    const { order, skipped } = ladderFor(noGpu, 'webgpu');
    expect(order).toEqual(['onnx-wasm', 'edge-only']);
    expect(skipped).toContainEqual({ rung: 'onnx-webgpu', reason: 'no WebGPU adapter' });
  });
  it('WebLLM leads only with a WebLLM model and an adapter', () => {
    expect(ladderFor(gpu, 'auto', true).order[0]).toBe('webllm-webgpu');
    expect(ladderFor(noGpu, 'auto', true).order[0]).toBe('onnx-wasm');
    expect(ladderFor(gpu, 'auto').skipped[0]).toEqual({
      rung: 'webllm-webgpu',
      reason: 'no WebLLM model in the models config',
    });
  });
  it('a declared GGUF model comes after WebLLM and before the ONNX model, with or without WebGPU; undeclared it is skipped with the reason', () => {
    expect(ladderFor(gpu, 'auto', true, undefined, true).order).toEqual([
      'webllm-webgpu',
      'gguf-wasm',
      'onnx-wasm',
      'onnx-webgpu',
      'edge-only',
    ]);
    expect(ladderFor(noGpu, 'auto', false, undefined, true).order).toEqual(['gguf-wasm', 'onnx-wasm', 'edge-only']);
    expect(ladderFor(noGpu, 'auto').skipped).toContainEqual({
      rung: 'gguf-wasm',
      reason: 'no GGUF model in the models config',
    });
  });
});

describe('WASM thread count', () => {
  const isolated: PlatformProbe = { ...gpu, crossOriginIsolated: true, sharedArrayBuffer: true, maxWasmThreads: 8 };
  const measured = { backend: 'wasm' as const, wasmThreads: 2 };
  it('auto takes the measured default when the page is isolated', () => {
    expect(wasmThreadsFor(isolated, 'auto', measured)).toEqual({
      threads: 2,
      reason: 'the measured default for this model (2)',
    });
  });
  it('without SharedArrayBuffer any ask becomes one thread, and says why', () => {
    expect(wasmThreadsFor(gpu, 4, measured)).toMatchObject({
      threads: 1,
      reason: expect.stringContaining('not cross-origin isolated'),
    });
    expect(wasmThreadsFor(gpu, 1, measured)).toEqual({ threads: 1, reason: '1 requested' });
  });
  it('an ask above the core count is capped at it', () => {
    expect(wasmThreadsFor(isolated, 16, measured)).toMatchObject({
      threads: 8,
      reason: expect.stringContaining('capped at the 8 cores'),
    });
  });
  it('accepts auto or a whole number from 1 to 64, nothing else', () => {
    expect(['auto', 1, 64].every(isThreadsPreference)).toBe(true);
    expect([0, 1.5, 65, '2', null, Number.NaN].some(isThreadsPreference)).toBe(false);
  });
});
