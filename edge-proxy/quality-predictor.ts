/**
 * @module quality-predictor
 * The edge side of the CR² selector (§1.4 step 6): `selector.onnx` predicts each model's quality
 * Q̂_m(x) from the representation the browser's gate already read, which the widget sends with a
 * deferred request (`router.representation`, base64 little-endian float32). The selector then
 * ranks edge models by Q̂_m − λ·c̄_m with live cost. Without a representation (or a selector), the
 * configured prior qualities stand in. onnxruntime is injected so app.ts stays runtime-neutral.
 */
import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-common';

export interface QualityPredictor {
  /** Model ids in output order (selector.onnx metadata `riskgate.selector.models`). */
  readonly models: readonly string[];
  readonly dim: number;
  /** The representation it was trained on (metadata `riskgate.representation.model_id`); null when unrecorded. */
  readonly representationModelId: string | null;
  predict(representation: Float32Array): Promise<ReadonlyMap<string, number>>;
}

export type OrtForPredictor = {
  readonly InferenceSession: { create(bytes: Uint8Array): Promise<InferenceSession> };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
};

export async function createOnnxQualityPredictor(
  ort: OrtForPredictor,
  bytes: Uint8Array,
  models: readonly string[],
  representationModelId: string | null = null,
): Promise<QualityPredictor> {
  const session = await ort.InferenceSession.create(bytes);
  const input = session.inputMetadata.find((m) => m.name === 'representation');
  const dim = input && input.isTensor ? Number(input.shape[1]) : NaN;
  if (!Number.isInteger(dim) || !session.outputNames.includes('quality'))
    throw new Error('selector.onnx lacks representation[N,d] → quality[N,M]');
  return {
    models,
    dim,
    representationModelId,
    async predict(representation) {
      const { quality } = await session.run({ representation: new ort.Tensor('float32', representation, [1, dim]) });
      const values = (quality as TypedTensor<'float32'>).data;
      return new Map(models.map((m, i) => [m, values[i]!]));
    },
  };
}
