/**
 * @module load/ort-runtimes
 * onnxruntime-web ships a WASM-only build (ort-wasm-simd-threaded.wasm, 14 MB raw) and a
 * WebGPU-capable one (the JSEP build, 28 MB raw, which also runs the WASM EP). The worker loads
 * the WASM-only build for the gate and the WASM rung, and the WebGPU build only when a WebGPU
 * rung is tried (issue 11: a device on WASM never downloads the larger file). Each build is its
 * own module with its own `env`, so the thread count is set on each before its first session.
 */
import type { OrtRuntime } from '../engine/onnx-causal-lm.js';

export type OrtFlavour = 'wasm' | 'webgpu';
export type OrtLoader = (flavour: OrtFlavour) => Promise<OrtRuntime>;

/** Loads each flavour once and applies `threads` to it before any session starts. */
export function memoizeOrtLoader(load: OrtLoader, threads: () => number): OrtLoader {
  const loaded = new Map<OrtFlavour, Promise<OrtRuntime>>();
  return (flavour) => {
    let runtime = loaded.get(flavour);
    if (!runtime) {
      runtime = load(flavour).then((ort) => {
        if (ort.env) ort.env.wasm.numThreads = threads();
        return ort;
      });
      runtime.catch(() => loaded.delete(flavour)); // a failed download may be retried
      loaded.set(flavour, runtime);
    }
    return runtime;
  };
}
