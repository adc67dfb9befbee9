import { describe, expect, it } from 'vitest';
import { ladderFor, type PlatformProbe } from './capabilities.js';

const gpu: PlatformProbe = { webgpu: { available: true, shaderF16: false, adapter: 'swiftshader', reason: null }, crossOriginIsolated: false, sharedArrayBuffer: false, wasmThreads: 1 };
const noGpu: PlatformProbe = { ...gpu, webgpu: { available: false, shaderF16: false, adapter: null, reason: 'no WebGPU adapter' } };

describe('fallback ladder order', () => {
  it('auto: the measured default (WASM) first, WebGPU as its fallback, edge-only last', () => {
    expect(ladderFor(gpu, 'auto').order).toEqual(['onnx-wasm', 'onnx-webgpu', 'edge-only']);
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
    expect(ladderFor(gpu, 'auto').skipped[0]).toEqual({ rung: 'webllm-webgpu', reason: 'no WebLLM model in the models config' });
  });
});
