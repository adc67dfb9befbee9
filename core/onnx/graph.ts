/**
 * @module onnx/graph
 * A plain description of an ONNX graph (nodes, initializers, typed inputs/outputs, metadata)
 * and a small builder that names intermediate values. Pure data: serialising it to protobuf
 * happens at the edge (`node/onnx-write.ts`), so `core/` stays free of I/O libraries.
 */

export type ElemType = 'float32' | 'int64' | 'bool';
export type Dim = number | string;

export type InitTensor =
  | { readonly name: string; readonly dims: readonly number[]; readonly type: 'float32'; readonly data: Float32Array }
  | { readonly name: string; readonly dims: readonly number[]; readonly type: 'int64'; readonly data: BigInt64Array };

export type AttributeValue = number | readonly number[] | string;

export type GraphNode = {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Which attribute numbers are floats (ONNX distinguishes INT from FLOAT attributes). */
  readonly floatAttributes: readonly string[];
};

export type ValueInfo = { readonly name: string; readonly type: ElemType; readonly shape: readonly Dim[] };

export type OnnxModelSpec = {
  readonly graphName: string;
  readonly opset: number;
  readonly nodes: readonly GraphNode[];
  readonly initializers: readonly InitTensor[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly metadata: Readonly<Record<string, string>>;
};

export type GraphBuilder = {
  /** Adds a node and returns the names of its outputs. */
  op(
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
    options?: { outputs?: number | readonly string[]; floatAttributes?: readonly string[] },
  ): string[];
  /** Adds a node with one output and returns its name. */
  op1(
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
    options?: { output?: string; floatAttributes?: readonly string[] },
  ): string;
  floats(name: string, dims: readonly number[], data: Float32Array | readonly number[]): string;
  ints(name: string, dims: readonly number[], data: readonly number[]): string;
  build(spec: Omit<OnnxModelSpec, 'nodes' | 'initializers'>): OnnxModelSpec;
};

export function createGraphBuilder(): GraphBuilder {
  const nodes: GraphNode[] = [];
  const initializers: InitTensor[] = [];
  let counter = 0;
  const fresh = (opType: string): string => `${opType.toLowerCase()}_${counter++}`;

  const op: GraphBuilder['op'] = (opType, inputs, attributes = {}, options = {}) => {
    const wanted = options.outputs ?? 1;
    const outputs = typeof wanted === 'number' ? Array.from({ length: wanted }, () => fresh(opType)) : [...wanted];
    nodes.push({ opType, inputs, outputs, attributes, floatAttributes: options.floatAttributes ?? [] });
    return outputs;
  };
  return {
    op,
    op1: (opType, inputs, attributes, options = {}) =>
      op(opType, inputs, attributes, {
        outputs: options.output ? [options.output] : 1,
        floatAttributes: options.floatAttributes ?? [],
      })[0]!,
    floats(name, dims, data) {
      initializers.push({
        name,
        dims,
        type: 'float32',
        data: data instanceof Float32Array ? data : Float32Array.from(data),
      });
      return name;
    },
    ints(name, dims, data) {
      initializers.push({ name, dims, type: 'int64', data: BigInt64Array.from(data.map((v) => BigInt(v))) });
      return name;
    },
    build: (spec) => ({ ...spec, nodes, initializers }),
  };
}
