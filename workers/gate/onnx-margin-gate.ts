/**
 * @module gate/onnx-margin-gate
 * `MarginGate` over gate.onnx in onnxruntime (web or node; the runtime is injected).
 */
import { RouterError } from '../../core/errors.js';
import type { MarginGate } from '../../core/protocol/margin-gate.js';
import type { OrtRuntime } from '../engine/onnx-causal-lm.js';

export async function createOnnxMarginGate(
  ort: OrtRuntime,
  bytes: Uint8Array,
  executionProviders: string[] = ['wasm'],
): Promise<MarginGate> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders });
  const meta = session.inputMetadata.find((m) => m.name === 'representation');
  const dim = meta?.isTensor ? meta.shape[1] : undefined;
  if (
    typeof dim !== 'number' ||
    !session.inputNames.includes('cost_weight') ||
    !session.outputNames.includes('margin')
  ) {
    throw new RouterError('invalid_artifact', 'gate.onnx lacks representation[N,d] / cost_weight[N,1] → margin[N,1]');
  }
  return {
    dim,
    async score(representation, costWeight) {
      if (representation.length !== dim)
        throw new RouterError(
          'artifact_mismatch',
          `gate expects a ${dim}-d representation, got ${representation.length}`,
        );
      try {
        const out = await session.run({
          representation: new ort.Tensor('float32', representation, [1, dim]),
          cost_weight: new ort.Tensor('float32', Float32Array.of(costWeight), [1, 1]),
        });
        return (out.margin!.data as Float32Array)[0]!;
      } catch (cause) {
        throw new RouterError('gate_failed', `gate.onnx failed: ${String(cause)}`, { cause });
      }
    },
  };
}
