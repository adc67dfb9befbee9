/**
 * @module protocol/manifest
 * `public/models/manifest.json`: what the worker loads and the sha256 of each artifact, so a
 * stale cache or a mismatched gate is caught before it routes anything.
 */

export type ModelManifest = {
  readonly format: 'riskgate.manifest/1';
  readonly local_model: {
    readonly id: string;
    readonly onnx: string; // path relative to the manifest
    readonly tokenizer: string;
    readonly sha256: string;
    readonly source_sha256: string;
    readonly context_length: number;
    readonly hidden_size: number;
    /** The EP and WASM thread count measured fastest for this model (`npm run bench:browser`; decision 012). Absent: WASM, 1 thread. */
    readonly runtime?: {
      readonly backend: 'wasm' | 'webgpu';
      readonly wasm_threads: number;
      readonly measured: string;
    };
  };
  readonly gate: { readonly onnx: string; readonly sha256: string };
  /** `sha256` verifies the network copy and keys the cached one (absent in manifests written before it). */
  readonly thresholds: { readonly json: string; readonly sha256?: string };
};

/** A model's own gate and thresholds, declared beside it in `models.json` (fitted to its answers). */
export type DeclaredGateFiles = {
  readonly model_id: string;
  readonly gate?: { onnx: string; sha256: string };
  readonly thresholds?: { json: string; sha256?: string };
};

/** A file the worker downloads and verifies (size and SHA-256) before use. */
export type DeclaredFile = { readonly url: string; readonly size: number; readonly sha256: string };

/** A GGUF chat model in `models.json`: its file, context window and gate (the GGUF rung). */
export type GgufEntry = DeclaredGateFiles & {
  readonly file: DeclaredFile;
  readonly context_length: number;
  readonly licence?: string;
};
