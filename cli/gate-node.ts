/**
 * @module cli/gate-node
 * Runs gate.onnx in onnxruntime-node over many representations at one cost weight.
 */
import * as ort from 'onnxruntime-node';

export async function createNodeGate(
  bytes: Uint8Array,
): Promise<(representations: readonly Float32Array[], costWeight: number) => Promise<Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  return async (representations, costWeight) => {
    const n = representations.length;
    const d = representations[0]!.length;
    const flat = new Float32Array(n * d);
    representations.forEach((v, i) => flat.set(v, i * d));
    const out = await session.run({
      representation: new ort.Tensor('float32', flat, [n, d]),
      cost_weight: new ort.Tensor('float32', new Float32Array(n).fill(costWeight), [n, 1]),
    });
    return out.margin!.data as Float32Array;
  };
}
