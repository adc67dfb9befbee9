/**
 * @module capability-probe
 * What this worker's platform offers, asked once before anything loads (web-llm and ORT do not
 * fail fast without WebGPU): a WebGPU adapter and its `shader-f16` feature, cross-origin isolation
 * and SharedArrayBuffer (which WASM threads need).
 */
import type { PlatformProbe } from '../core/protocol/capabilities.js';

type GpuLike = {
  requestAdapter(): Promise<{
    features: { has(name: string): boolean };
    info?: { architecture?: string; vendor?: string };
  } | null>;
};

export async function probePlatform(
  scope: {
    navigator?: { gpu?: GpuLike; hardwareConcurrency?: number };
    crossOriginIsolated?: boolean;
  } = globalThis as never,
): Promise<PlatformProbe> {
  const isolated = scope.crossOriginIsolated === true;
  const sharedArrayBuffer = typeof SharedArrayBuffer !== 'undefined' && isolated;
  const maxWasmThreads = sharedArrayBuffer ? Math.max(1, scope.navigator?.hardwareConcurrency ?? 1) : 1;
  const gpu = scope.navigator?.gpu;
  let webgpu: PlatformProbe['webgpu'] = {
    available: false,
    shaderF16: false,
    adapter: null,
    reason: 'navigator.gpu is missing (no WebGPU in this browser)',
  };
  if (gpu) {
    try {
      const adapter = await gpu.requestAdapter();
      webgpu = adapter
        ? {
            available: true,
            shaderF16: adapter.features.has('shader-f16'),
            adapter: adapter.info?.architecture || adapter.info?.vendor || 'unknown',
            reason: null,
          }
        : { available: false, shaderF16: false, adapter: null, reason: 'no WebGPU adapter' };
    } catch (error) {
      webgpu = { available: false, shaderF16: false, adapter: null, reason: `requestAdapter failed: ${String(error)}` };
    }
  }
  return { webgpu, crossOriginIsolated: isolated, sharedArrayBuffer, maxWasmThreads };
}
