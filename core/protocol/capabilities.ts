/**
 * @module protocol/capabilities
 * The fallback ladder (issues 5, 23): WebGPU + WebLLM → GGUF on WASM (llama.cpp) → ORT WebGPU EP →
 * ORT WASM → edge-only. The
 * worker probes the platform once into a frozen `Capabilities`, walks the ladder in the order
 * `ladderFor` gives, and records which rung is active and why; the widget shows it and exposes it
 * as `element.capabilities` for tests and benchmarks.
 */

export type Rung = 'webllm-webgpu' | 'gguf-wasm' | 'onnx-webgpu' | 'onnx-wasm' | 'edge-only';
export type BackendPreference = 'auto' | 'wasm' | 'webgpu';
/** ORT WASM threads: `auto` = the model's measured default, else a count (capped by the page). */
export type ThreadsPreference = 'auto' | number;

export type PlatformProbe = {
  readonly webgpu: {
    readonly available: boolean;
    readonly shaderF16: boolean;
    readonly adapter: string | null;
    readonly reason: string | null;
  };
  readonly crossOriginIsolated: boolean;
  readonly sharedArrayBuffer: boolean;
  /** The most WASM threads ORT could use: the core count when cross-origin isolated, else 1. */
  readonly maxWasmThreads: number;
};

export type Capabilities = PlatformProbe & {
  readonly rung: Rung;
  /** Why this rung: the preference that chose it, or what made the rungs above it fail. */
  readonly reason: string;
  /** Rungs tried before this one, with the error code that ended each. */
  readonly skipped: readonly { readonly rung: Rung; readonly reason: string }[];
  /** The WASM threads ORT runs with, and why that many. */
  readonly wasmThreads: number;
  readonly wasmThreadsReason: string;
};

/** What the model's manifest says was measured fastest for it (decision 012). */
export type MeasuredRuntime = { readonly backend: 'wasm' | 'webgpu'; readonly wasmThreads: number };
