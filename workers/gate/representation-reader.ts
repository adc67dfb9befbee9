/**
 * @module workers/gate/representation-reader
 * Turns a prefill into the vector the gate was trained on, as its metadata names it: the hidden
 * state itself, or the fixed count-sketch of the logits (decision 007). A gate trained on a
 * representation the local engine cannot produce is refused with `artifact_mismatch`.
 */
import { RouterError } from '../../core/errors.js';
import type { RepresentationInfo } from '../../core/gate/gate-graph.js';
import type { EngineInfo, Prefill } from '../../core/protocol/local-engine.js';
import { applyCountSketch, createCountSketch, LOGIT_SKETCH_SEED } from '../../core/representation/count-sketch.js';

export type RepresentationReader = (prefill: Prefill) => Float32Array;

/** `engine`, when given, is checked up front: every engine has logits, not every one a hidden state. */
export function createRepresentationReader(
  info: RepresentationInfo,
  engine?: Pick<EngineInfo, 'model' | 'representation' | 'hiddenSize'>,
): RepresentationReader {
  switch (info.kind) {
    case 'hidden_state_last':
      if (engine && (engine.representation !== 'hidden_state_last' || engine.hiddenSize !== info.dim)) {
        throw new RouterError(
          'artifact_mismatch',
          `the gate reads the ${info.dim}-d hidden state of ${info.modelId}, but ${engine.model} gives ${engine.representation === 'hidden_state_last' ? `a ${engine.hiddenSize}-d one` : 'only logits (no hidden_states output)'}`,
        );
      }
      return (prefill) => prefill.hiddenState;
    case 'logit_sketch': {
      let sketch: ReturnType<typeof createCountSketch> | undefined;
      return (prefill) => {
        sketch ??= createCountSketch(prefill.lastLogits.length, info.dim, LOGIT_SKETCH_SEED);
        return applyCountSketch(sketch, prefill.lastLogits);
      };
    }
    default:
      throw new RouterError(
        'artifact_mismatch',
        `the gate reads a ${info.kind} representation, which the in-page engine does not produce (it gives hidden_state_last or logit_sketch)`,
      );
  }
}
