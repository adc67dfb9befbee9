/**
 * @module gate/gate-graph
 * The margin gate as ONNX (docs/architecture.md §6): inputs `representation: float32[N,d]`,
 * `cost_weight: float32[N,1]`, output `margin: float32[N,1]`; metadata names the representation
 * and the training data's sha256 so the worker can refuse a gate trained on another one.
 */
import { createGraphBuilder, type OnnxModelSpec } from '../onnx/graph.js';
import type { GateWeights } from './mlp.js';

/** hidden_state_last and logit_sketch come from the local model's prefill; the others read the text. */
export type RepresentationKind = 'hidden_state_last' | 'logit_sketch' | 'sentence_encoder' | 'lexical';

export type RepresentationInfo = {
  /** The local model whose prefill produces the representation. */
  readonly modelId: string;
  /** sha256 of that model's weights (the llama2.c checkpoint). */
  readonly modelSha256: string;
  /** hidden_state_last: the final-normed last-layer state at the last prompt position. */
  readonly kind: RepresentationKind;
  readonly dim: number;
};

export type GateProvenance = {
  readonly representation: RepresentationInfo;
  readonly trainingDataSha256: string;
  readonly seed: number;
  readonly extra?: Readonly<Record<string, string>>;
};

export function buildGateGraph(weights: GateWeights, provenance: GateProvenance): OnnxModelSpec {
  const g = createGraphBuilder();
  const { inputDim: d, hiddenDim: k } = weights;
  g.floats('mean', [d], weights.mean);
  g.floats('std', [d], weights.std);
  g.floats('w1', [d + 1, k], weights.w1);
  g.floats('b1', [k], weights.b1);
  g.floats('w2', [k, 1], weights.w2);
  g.floats('b2', [1], [weights.b2]);
  const standardized = g.op1('Div', [g.op1('Sub', ['representation', 'mean']), 'std']);
  const features = g.op1('Concat', [standardized, 'cost_weight'], { axis: 1 });
  const hidden = g.op1('Tanh', [g.op1('Add', [g.op1('MatMul', [features, 'w1']), 'b1'])]);
  g.op1('Add', [g.op1('MatMul', [hidden, 'w2']), 'b2'], {}, { output: 'margin' });
  return g.build({
    graphName: 'riskgate_margin_gate',
    opset: 18,
    inputs: [
      { name: 'representation', type: 'float32', shape: ['N', d] },
      { name: 'cost_weight', type: 'float32', shape: ['N', 1] },
    ],
    outputs: [{ name: 'margin', type: 'float32', shape: ['N', 1] }],
    metadata: provenanceMetadata(provenance),
  });
}

/** The metadata every riskgate ONNX artifact carries: what it reads, and what it was trained on. */
export function provenanceMetadata(provenance: GateProvenance): Record<string, string> {
  const r = provenance.representation;
  return {
    'riskgate.representation.model_id': r.modelId,
    'riskgate.representation.model_sha256': r.modelSha256,
    'riskgate.representation.kind': r.kind,
    'riskgate.representation.dim': String(r.dim),
    'riskgate.training_data_sha256': provenance.trainingDataSha256,
    'riskgate.seed': String(provenance.seed),
    ...provenance.extra,
  };
}
