/**
 * @module gate/selector-graph
 * The edge utility selector as ONNX (CR² §1.4 step 6): one quality predictor Q̂_m per edge model on
 * the same representation the gate reads; input `representation: float32[N,d]`, output
 * `quality: float32[N,M]` with the model ids in metadata (`riskgate.selector.models`, JSON). The
 * proxy combines Q̂_m with the live cost: m̂ = argmax_m Q̂_m − λ·c̄_m.
 * Each predictor is a gate-shaped MLP trained with λ ≡ 0, so its λ row of W1 is dropped here.
 */
import { createGraphBuilder, type OnnxModelSpec } from '../onnx/graph.js';
import { provenanceMetadata, type GateProvenance } from './gate-graph.js';
import type { GateWeights } from './mlp.js';

export function buildSelectorGraph(
  models: readonly { id: string; weights: GateWeights }[],
  provenance: GateProvenance,
): OnnxModelSpec {
  const g = createGraphBuilder();
  const d = provenance.representation.dim;
  const outputs = models.map(({ weights: w }, m) => {
    const k = w.hiddenDim;
    const standardized = g.op1('Div', [
      g.op1('Sub', ['representation', g.floats(`mean_${m}`, [d], w.mean)]),
      g.floats(`std_${m}`, [d], w.std),
    ]);
    const hidden = g.op1('Tanh', [
      g.op1('Add', [
        g.op1('MatMul', [standardized, g.floats(`w1_${m}`, [d, k], w.w1.subarray(0, d * k))]),
        g.floats(`b1_${m}`, [k], w.b1),
      ]),
    ]);
    return g.op1('Add', [
      g.op1('MatMul', [hidden, g.floats(`w2_${m}`, [k, 1], w.w2)]),
      g.floats(`b2_${m}`, [1], [w.b2]),
    ]);
  });
  g.op1('Concat', outputs, { axis: 1 }, { output: 'quality' });
  return g.build({
    graphName: 'riskgate_edge_selector',
    opset: 18,
    inputs: [{ name: 'representation', type: 'float32', shape: ['N', d] }],
    outputs: [{ name: 'quality', type: 'float32', shape: ['N', models.length] }],
    metadata: {
      'riskgate.selector.models': JSON.stringify(models.map((m) => m.id)),
      ...provenanceMetadata(provenance),
    },
  });
}
