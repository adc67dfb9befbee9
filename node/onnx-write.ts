/**
 * @module node/onnx-write
 * Serialises a pure `OnnxModelSpec` (core/onnx/graph.ts) to ONNX protobuf bytes with the
 * `onnx-proto` package (the official onnx.proto compiled for protobufjs).
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;
import type { AttributeValue, ElemType, InitTensor, OnnxModelSpec, ValueInfo } from '../core/onnx/graph.js';

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

function tensorProto(t: InitTensor): OnnxTypes.ITensorProto {
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name: t.name, dims: [...t.dims], dataType: ELEM[t.type], rawData: raw };
}

function attribute(name: string, value: AttributeValue, isFloat: boolean): OnnxTypes.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return isFloat ? { name, type: A.FLOAT, f: value } : { name, type: A.INT, i: value };
  return isFloat ? { name, type: A.FLOATS, floats: [...value] } : { name, type: A.INTS, ints: [...value] };
}

function valueInfo(v: ValueInfo): OnnxTypes.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM[v.type],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const model: OnnxTypes.IModelProto = {
    irVersion: 8,
    producerName: 'riskgate',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: spec.opset }],
    metadataProps: Object.entries(spec.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName,
      node: spec.nodes.map((n, i) => ({
        name: `${n.opType}_${i}`,
        opType: n.opType,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v, n.floatAttributes.includes(k))),
      })),
      initializer: spec.initializers.map(tensorProto),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** The metadata_props of an encoded model (onnxruntime-node does not expose them). */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  return Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
}
