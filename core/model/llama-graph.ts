/**
 * @module model/llama-graph
 * Builds a decoder-only ONNX graph with a KV cache from a llama2.c checkpoint, with the
 * standard names (`input_ids`, `past_key_values.N.key|value` → `logits`, `present.N.key|value`)
 * plus `hidden_states`: the final-normed last-layer state that the classifier multiplies
 * (the prefill representation the margin gate reads; docs/architecture.md §5).
 *
 * Positions are derived inside the graph from the past length, so a caller only feeds ids
 * and the cache (layout `riskgate`; `transformers` takes them as inputs, see below). Layout follows llama2.c `forward()` in `run.c` exactly: RMSNorm (eps 1e-5),
 * RoPE on adjacent pairs, grouped-query attention, SwiGLU FFN, shared classifier.
 */
import { createGraphBuilder, type GraphBuilder, type OnnxModelSpec } from '../onnx/graph.js';
import type { LlamaCheckpoint } from './llama-checkpoint.js';

const RMS_EPS = 1e-5;
const ROPE_THETA = 10000;
/** Added to masked scores; exp(-1e9) underflows to exactly 0 in float32. */
const MASK_BIAS = -1e9;

/** Returns W (stored out×in, y = W·x) transposed to in×out, for `MatMul(x, Wᵀ)`. */
function transposed(source: Float32Array, offset: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = source[offset + r * cols + c]!;
  return out;
}

function ropeTables(seqLen: number, headSize: number): { cos: Float32Array; sin: Float32Array } {
  const half = headSize / 2;
  const cos = new Float32Array(seqLen * half);
  const sin = new Float32Array(seqLen * half);
  for (let pos = 0; pos < seqLen; pos++) {
    for (let j = 0; j < half; j++) {
      // llama2.c: freq = 1 / theta^((i mod hs)/hs) for even i = 2j.
      const angle = pos / ROPE_THETA ** ((2 * j) / headSize);
      cos[pos * half + j] = Math.cos(angle);
      sin[pos * half + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

function rmsNorm(g: GraphBuilder, x: string, weight: string, eps: string): string {
  const meanSquare = g.op1('ReduceMean', [g.op1('Mul', [x, x]), 'axis_last'], { keepdims: 1 });
  const inverse = g.op1('Reciprocal', [g.op1('Sqrt', [g.op1('Add', [meanSquare, eps])])]);
  return g.op1('Mul', [g.op1('Mul', [x, inverse]), weight]);
}

/** Rotates adjacent pairs (2j, 2j+1) of each head of `x` [B, heads, S, hs] by position. */
function rope(g: GraphBuilder, x: string, cos: string, sin: string, pairShape: string, headShape: string): string {
  const pairs = g.op1('Reshape', [x, pairShape]);
  // Gather with a scalar index drops the pair axis. (Split with `num_outputs` mis-shapes on
  // ORT's WebGPU EP: it produced a zero-width second half.)
  const a = g.op1('Gather', [pairs, 'index_0'], { axis: -1 });
  const b = g.op1('Gather', [pairs, 'index_1'], { axis: -1 });
  const ra = g.op1('Sub', [g.op1('Mul', [a, cos]), g.op1('Mul', [b, sin])]);
  const rb = g.op1('Add', [g.op1('Mul', [a, sin]), g.op1('Mul', [b, cos])]);
  const stacked = g.op1('Concat', [g.op1('Unsqueeze', [ra, 'axis_last']), g.op1('Unsqueeze', [rb, 'axis_last'])], {
    axis: -1,
  });
  return g.op1('Reshape', [stacked, headShape]);
}

/**
 * `riskgate`: positions and the causal mask are derived from the past length, and the graph
 * outputs `hidden_states`. `transformers`: the layout of Hugging Face Optimum / transformers.js
 * decoder exports — the caller feeds `attention_mask` [batch, past+new] and `position_ids`
 * [batch, new], and there is no `hidden_states` output (an engine reads the logits instead).
 * Both layouts compute the same function; the second exists so the engine is tested against a
 * model it did not shape itself.
 */
export type LlamaGraphLayout = 'riskgate' | 'transformers';

export type LlamaGraphOptions = {
  readonly modelId: string;
  readonly sourceSha256: string;
  readonly layout?: LlamaGraphLayout;
};

export function buildLlamaGraph(checkpoint: LlamaCheckpoint, options: LlamaGraphOptions): OnnxModelSpec {
  const { config: c, weights: w } = checkpoint;
  const g = createGraphBuilder();
  const kvDim = c.nKvHeads * c.headSize;
  const group = c.nHeads / c.nKvHeads;

  g.floats('eps', [], [RMS_EPS]);
  g.floats('attention_scale', [], [1 / Math.sqrt(c.headSize)]);
  g.floats('mask_bias', [], [MASK_BIAS]);
  g.floats('zero_f', [], [0]);
  g.ints('axis_last', [1], [-1]);
  g.ints('axis_0', [1], [0]);
  g.ints('axis_1', [1], [1]);
  g.ints('axis_2', [1], [2]);
  g.ints('one_i', [], [1]);
  g.ints('zero_i', [], [0]);
  g.ints('index_0', [], [0]);
  g.ints('index_1', [], [1]);
  g.ints('index_2', [], [2]);
  g.ints('shape_q_heads', [4], [0, 0, c.nHeads, c.headSize]);
  g.ints('shape_kv_heads', [4], [0, 0, c.nKvHeads, c.headSize]);
  g.ints('shape_pairs', [5], [0, 0, 0, c.headSize / 2, 2]);
  g.ints('shape_head', [4], [0, 0, 0, c.headSize]);
  g.ints('shape_q_groups', [5], [0, c.nKvHeads, group, -1, c.headSize]);
  g.ints('shape_q_merged', [4], [0, c.nHeads, -1, c.headSize]);
  g.ints('shape_model', [3], [0, 0, c.dim]);
  const tables = ropeTables(c.seqLen, c.headSize);
  g.floats('rope_cos', [c.seqLen, c.headSize / 2], tables.cos);
  g.floats('rope_sin', [c.seqLen, c.headSize / 2], tables.sin);
  g.floats('token_embedding', [c.vocabSize, c.dim], w.tokenEmbedding);

  // Positions past..past+S-1 and the causal mask bias [S, T].
  const pastLength = g.op1('Gather', [g.op1('Shape', ['past_key_values.0.key']), 'index_2'], { axis: 0 });
  const newLength = g.op1('Gather', [g.op1('Shape', ['input_ids']), 'index_1'], { axis: 0 });
  const totalLength = g.op1('Add', [pastLength, newLength]);
  const fedByCaller = options.layout === 'transformers'; // batch 1: squeeze the batch axis
  const positions = fedByCaller
    ? g.op1('Squeeze', ['position_ids', 'axis_0'])
    : g.op1('Range', [pastLength, totalLength, 'one_i']);
  const keyPositions = g.op1('Range', ['zero_i', totalLength, 'one_i']);
  const future = g.op1('Greater', [
    g.op1('Unsqueeze', [keyPositions, 'axis_0']),
    g.op1('Unsqueeze', [positions, 'axis_1']),
  ]);
  // attention_mask 0 marks a padded key: masked like a future one.
  const padded = fedByCaller
    ? g.op1('Unsqueeze', [g.op1('Equal', [g.op1('Squeeze', ['attention_mask', 'axis_0']), 'zero_i']), 'axis_0'])
    : undefined;
  const maskBias = g.op1('Where', [padded ? g.op1('Or', [future, padded]) : future, 'mask_bias', 'zero_f']);
  const cos = g.op1('Gather', ['rope_cos', positions], { axis: 0 });
  const sin = g.op1('Gather', ['rope_sin', positions], { axis: 0 });

  let x = g.op1('Gather', ['token_embedding', 'input_ids'], { axis: 0 });
  const presents: string[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    const p = `layers.${l}`;
    const dd = c.dim * c.dim;
    const kd = kvDim * c.dim;
    const hd = c.hiddenDim * c.dim;
    g.floats(`${p}.attention_norm`, [c.dim], w.rmsAtt.subarray(l * c.dim, (l + 1) * c.dim));
    g.floats(`${p}.wq`, [c.dim, c.dim], transposed(w.wq, l * dd, c.dim, c.dim));
    g.floats(`${p}.wk`, [c.dim, kvDim], transposed(w.wk, l * kd, kvDim, c.dim));
    g.floats(`${p}.wv`, [c.dim, kvDim], transposed(w.wv, l * kd, kvDim, c.dim));
    g.floats(`${p}.wo`, [c.dim, c.dim], transposed(w.wo, l * dd, c.dim, c.dim));
    g.floats(`${p}.ffn_norm`, [c.dim], w.rmsFfn.subarray(l * c.dim, (l + 1) * c.dim));
    g.floats(`${p}.w1`, [c.dim, c.hiddenDim], transposed(w.w1, l * hd, c.hiddenDim, c.dim));
    g.floats(`${p}.w2`, [c.hiddenDim, c.dim], transposed(w.w2, l * hd, c.dim, c.hiddenDim));
    g.floats(`${p}.w3`, [c.dim, c.hiddenDim], transposed(w.w3, l * hd, c.hiddenDim, c.dim));

    const xb = rmsNorm(g, x, `${p}.attention_norm`, 'eps');
    const toHeads = (t: string, shape: string) =>
      g.op1('Transpose', [g.op1('Reshape', [t, shape])], { perm: [0, 2, 1, 3] });
    const q = rope(
      g,
      toHeads(g.op1('MatMul', [xb, `${p}.wq`]), 'shape_q_heads'),
      cos,
      sin,
      'shape_pairs',
      'shape_head',
    );
    const k = rope(
      g,
      toHeads(g.op1('MatMul', [xb, `${p}.wk`]), 'shape_kv_heads'),
      cos,
      sin,
      'shape_pairs',
      'shape_head',
    );
    const v = toHeads(g.op1('MatMul', [xb, `${p}.wv`]), 'shape_kv_heads');
    const keys = g.op1('Concat', [`past_key_values.${l}.key`, k], { axis: 2 }, { output: `present.${l}.key` });
    const values = g.op1('Concat', [`past_key_values.${l}.value`, v], { axis: 2 }, { output: `present.${l}.value` });
    presents.push(keys, values);

    // Grouped-query attention: query head h uses kv head h / group, so split the query heads
    // into [kvHeads, group] and let MatMul broadcast each kv head over its group.
    const qGroups = g.op1('Reshape', [q, 'shape_q_groups']);
    const keysT = g.op1('Transpose', [g.op1('Unsqueeze', [keys, 'axis_2'])], { perm: [0, 1, 2, 4, 3] });
    const scores = g.op1('Add', [g.op1('Mul', [g.op1('MatMul', [qGroups, keysT]), 'attention_scale']), maskBias]);
    const weights = g.op1('Softmax', [scores], { axis: -1 });
    const attended = g.op1('MatMul', [weights, g.op1('Unsqueeze', [values, 'axis_2'])]);
    const merged = g.op1('Reshape', [
      g.op1('Transpose', [g.op1('Reshape', [attended, 'shape_q_merged'])], { perm: [0, 2, 1, 3] }),
      'shape_model',
    ]);
    x = g.op1('Add', [x, g.op1('MatMul', [merged, `${p}.wo`])]);

    const xf = rmsNorm(g, x, `${p}.ffn_norm`, 'eps');
    const gate = g.op1('MatMul', [xf, `${p}.w1`]);
    const silu = g.op1('Mul', [gate, g.op1('Sigmoid', [gate])]);
    const up = g.op1('MatMul', [xf, `${p}.w3`]);
    x = g.op1('Add', [x, g.op1('MatMul', [g.op1('Mul', [silu, up]), `${p}.w2`])]);
  }
  g.floats('final_norm', [c.dim], w.rmsFinal);
  g.floats('classifier_t', [c.dim, c.vocabSize], transposed(w.classifier, 0, c.vocabSize, c.dim));
  const hidden = rmsNorm(g, x, 'final_norm', 'eps');
  if (!fedByCaller) g.op1('Identity', [hidden], {}, { output: 'hidden_states' });
  g.op1('MatMul', [hidden, 'classifier_t'], {}, { output: 'logits' });

  const kvShape = (past: string) => ['batch', c.nKvHeads, past, c.headSize] as const;
  const cacheNames = Array.from({ length: c.nLayers }, (_, l) => [`${l}.key`, `${l}.value`]).flat();
  return g.build({
    graphName: options.modelId,
    opset: 18,
    inputs: [
      { name: 'input_ids', type: 'int64', shape: ['batch', 'sequence'] },
      ...(fedByCaller
        ? [
            { name: 'attention_mask', type: 'int64' as const, shape: ['batch', 'total_sequence'] },
            { name: 'position_ids', type: 'int64' as const, shape: ['batch', 'sequence'] },
          ]
        : []),
      ...cacheNames.map((n) => ({
        name: `past_key_values.${n}`,
        type: 'float32' as const,
        shape: kvShape('past_sequence'),
      })),
    ],
    outputs: [
      { name: 'logits', type: 'float32', shape: ['batch', 'sequence', c.vocabSize] },
      ...(fedByCaller
        ? []
        : [{ name: 'hidden_states', type: 'float32' as const, shape: ['batch', 'sequence', c.dim] }]),
      ...cacheNames.map((n) => ({ name: `present.${n}`, type: 'float32' as const, shape: kvShape('total_sequence') })),
    ],
    metadata: {
      'riskgate.model_id': options.modelId,
      'riskgate.source_sha256': options.sourceSha256,
      'riskgate.hidden_size': String(c.dim),
      'riskgate.context_length': String(c.seqLen),
      'riskgate.num_layers': String(c.nLayers),
      'riskgate.num_kv_heads': String(c.nKvHeads),
      'riskgate.head_size': String(c.headSize),
      ...(fedByCaller
        ? {}
        : { 'riskgate.hidden_states': 'final-normed last-layer residual (the vector the classifier multiplies)' }),
    },
  });
}
