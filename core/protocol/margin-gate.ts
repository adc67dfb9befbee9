/**
 * @module protocol/margin-gate
 * The `MarginGate` seam: score(representation, λ) ≈ Δ, the utility margin of answering locally.
 * Implementations: `OnnxMarginGate` (onnxruntime, browser and proxy) and `TsMarginGate` (the
 * pure-TS twin used for training and parity).
 */
export interface MarginGate {
  readonly dim: number;
  score(representation: Float32Array, costWeight: number): Promise<number>;
}
