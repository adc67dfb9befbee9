/**
 * @module cli/representations/local-model-pass
 * Representations (a) and (b): one prefill of every prompt by the same `OnnxCausalLm` the browser
 * runs (left-truncated to BOS + the last 511 tokens, decision 002) yields both the last-position
 * hidden state and the count-sketch of the last-position logits.
 */
import { createCountSketch, applyCountSketch, LOGIT_SKETCH_SEED } from '../../core/representation/count-sketch.js';
import type { RoutingRecord } from '../../core/data/routing-dataset.js';
import { createNodeEngine } from '../../node/local-model.js';

/** The logit sketch has the hidden state's width, so the two compare at equal gate size. */
export { LOGIT_SKETCH_SEED };

export async function localModelPass(
  records: readonly RoutingRecord[],
  log: (line: string) => void,
): Promise<{ hidden: Float32Array[]; logitSketch: Float32Array[] }> {
  const engine = await createNodeEngine();
  const hidden: Float32Array[] = [];
  const logitSketch: Float32Array[] = [];
  const started = Date.now();
  for (const [i, r] of records.entries()) {
    const prefill = await engine.prefill([{ role: 'user', content: r.prompt }]);
    const sketch = createCachedSketch(prefill.lastLogits.length, engine.info.hiddenSize);
    hidden.push(prefill.hiddenState);
    logitSketch.push(applyCountSketch(sketch, prefill.lastLogits));
    if ((i + 1) % 1000 === 0)
      log(`representations: prefilled ${i + 1}/${records.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  engine.reset();
  return { hidden, logitSketch };
}

let sketchCache: ReturnType<typeof createCountSketch> | undefined;
function createCachedSketch(vocab: number, dim: number) {
  if (sketchCache?.inputDim !== vocab || sketchCache.outputDim !== dim)
    sketchCache = createCountSketch(vocab, dim, LOGIT_SKETCH_SEED);
  return sketchCache;
}
