/**
 * @module runtime/backend-ladder
 * Which engine rungs to try on this device, in order, and how many WASM threads ORT gets: the
 * logic over the capability types of `core/protocol/capabilities.ts` (which stays types only).
 */
import type {
  BackendPreference,
  MeasuredRuntime,
  PlatformProbe,
  Rung,
  ThreadsPreference,
} from '../protocol/capabilities.js';

/** Used when a manifest records no measurement: decision 003's figures for a tiny model. */
export const UNMEASURED_RUNTIME: MeasuredRuntime = { backend: 'wasm', wasmThreads: 1 };

/**
 * ORT's WASM thread count. Threads need SharedArrayBuffer, so a page that is not cross-origin
 * isolated gets one whatever was asked; otherwise the ask is capped at the core count.
 */
export function wasmThreadsFor(
  probe: PlatformProbe,
  preference: ThreadsPreference,
  measured: MeasuredRuntime,
): { threads: number; reason: string } {
  const wanted = preference === 'auto' ? measured.wasmThreads : preference;
  const asked = preference === 'auto' ? `the measured default for this model (${wanted})` : `${wanted} requested`;
  if (wanted > 1 && !probe.sharedArrayBuffer)
    return { threads: 1, reason: `${asked}, but the page is not cross-origin isolated (no SharedArrayBuffer)` };
  const threads = Math.min(wanted, probe.maxWasmThreads);
  return { threads, reason: threads < wanted ? `${asked}, capped at the ${threads} cores this device reports` : asked };
}

/** Rejects a thread count that is not a whole number from 1 to 64 (a widget attribute, a config field). */
export function isThreadsPreference(value: unknown): value is ThreadsPreference {
  return value === 'auto' || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 64);
}

/**
 * The rungs to try, in order, and the ones skipped up front. WebLLM needs a WebLLM model in the
 * models config (none is embedded: its weights are not reachable offline), GGUF a GGUF model there
 * (fetched with `riskgate models fetch`). For the ONNX model,
 * `auto` means the EP measured fastest for it (decisions 003, 012: stories260K decodes faster on
 * WASM than through GPU dispatches), with the other EP as the fallback; edge-only is always last.
 */
export function ladderFor(
  probe: PlatformProbe,
  preference: BackendPreference,
  hasWebLlmModel = false,
  measured: MeasuredRuntime = UNMEASURED_RUNTIME,
  hasGgufModel = false,
): { order: Rung[]; skipped: { rung: Rung; reason: string }[] } {
  const skipped: { rung: Rung; reason: string }[] = [];
  const webgpuReason = probe.webgpu.reason ?? 'no WebGPU adapter';
  if (!hasWebLlmModel) skipped.push({ rung: 'webllm-webgpu', reason: 'no WebLLM model in the models config' });
  else if (!probe.webgpu.available) skipped.push({ rung: 'webllm-webgpu', reason: webgpuReason });
  const first = preference === 'auto' ? measured.backend : preference;
  const onnx: Rung[] = first === 'webgpu' ? ['onnx-webgpu', 'onnx-wasm'] : ['onnx-wasm', 'onnx-webgpu'];
  const order: Rung[] = hasWebLlmModel && probe.webgpu.available ? ['webllm-webgpu'] : [];
  // A GGUF chat model runs anywhere WebAssembly does; declared, it comes before the tiny ONNX model.
  if (hasGgufModel) order.push('gguf-wasm');
  else skipped.push({ rung: 'gguf-wasm', reason: 'no GGUF model in the models config' });
  for (const rung of onnx) {
    if (rung === 'onnx-webgpu' && !probe.webgpu.available) skipped.push({ rung, reason: webgpuReason });
    else order.push(rung);
  }
  order.push('edge-only');
  return { order, skipped };
}
