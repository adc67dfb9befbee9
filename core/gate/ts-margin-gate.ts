/**
 * @module gate/ts-margin-gate
 * The pure-TS `MarginGate` over trained weights (the ONNX gate's twin).
 */
import type { MarginGate } from '../protocol/margin-gate.js';
import { predictMargin, type GateWeights } from './mlp.js';

export function createTsMarginGate(weights: GateWeights): MarginGate {
  return {
    dim: weights.inputDim,
    score: async (representation, costWeight) => predictMargin(weights, representation, costWeight),
  };
}
