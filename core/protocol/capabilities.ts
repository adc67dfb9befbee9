/**
 * @module protocol/capabilities
 * The fallback ladder (issue 5): WebGPU + WebLLM → ORT WebGPU EP → ORT WASM → edge-only. The
 * worker probes the platform once into a frozen `Capabilities`, walks the ladder in the order
 * `ladderFor` gives, and records which rung is active and why; the widget shows it and exposes it
 * as `element.capabilities` for tests and benchmarks.
 */

export type Rung = 'webllm-webgpu' | 'onnx-webgpu' | 'onnx-wasm' | 'edge-only';
export type BackendPreference = 'auto' | 'wasm' | 'webgpu';

export type PlatformProbe = {
  readonly webgpu: { readonly available: boolean; readonly shaderF16: boolean; readonly adapter: string | null; readonly reason: string | null };
  readonly crossOriginIsolated: boolean;
  readonly sharedArrayBuffer: boolean;
  /** WASM threads ORT may use: >1 only when the page is cross-origin isolated. */
  readonly wasmThreads: number;
};

export type Capabilities = PlatformProbe & {
  readonly rung: Rung;
  /** Why this rung: the preference that chose it, or what made the rungs above it fail. */
  readonly reason: string;
  /** Rungs tried before this one, with the error code that ended each. */
  readonly skipped: readonly { readonly rung: Rung; readonly reason: string }[];
};

/**
 * The rungs to try, in order, and the ones skipped up front. WebLLM needs a WebLLM model in the
 * models config (none is embedded: its weights are not reachable offline). For the ONNX model,
 * `auto` means the measured default (decision 003: stories260K decodes faster on WASM than through
 * GPU dispatches), with the other EP as the fallback; edge-only is always last.
 */
export function ladderFor(probe: PlatformProbe, preference: BackendPreference, hasWebLlmModel = false): { order: Rung[]; skipped: { rung: Rung; reason: string }[] } {
  const skipped: { rung: Rung; reason: string }[] = [];
  const webgpuReason = probe.webgpu.reason ?? 'no WebGPU adapter';
  if (!hasWebLlmModel) skipped.push({ rung: 'webllm-webgpu', reason: 'no WebLLM model in the models config' });
  else if (!probe.webgpu.available) skipped.push({ rung: 'webllm-webgpu', reason: webgpuReason });
  const onnx: Rung[] = preference === 'webgpu' ? ['onnx-webgpu', 'onnx-wasm'] : ['onnx-wasm', 'onnx-webgpu'];
  const order: Rung[] = hasWebLlmModel && probe.webgpu.available ? ['webllm-webgpu'] : [];
  for (const rung of onnx) {
    if (rung === 'onnx-webgpu' && !probe.webgpu.available) skipped.push({ rung, reason: webgpuReason });
    else order.push(rung);
  }
  order.push('edge-only');
  return { order, skipped };
}
