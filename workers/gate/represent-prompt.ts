/**
 * @module workers/gate/represent-prompt
 * `represent()`: one prompt's representation as the engine gives it, for training a gate on a model
 * that has none yet (`riskgate represent`, issue 13). The same prefill and the same reader the
 * route path uses (createRepresentationReader), so a gate trained on these vectors reads at route
 * time exactly what it was trained on: the hidden state where the engine exposes it, else the
 * count-sketch of the logits.
 */
import { RouterError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/protocol/chat.js';
import type { EngineInfo, LocalEngine } from '../../core/protocol/local-engine.js';
import type { PromptRepresentation, RepresentOptions } from '../../core/protocol/tooling-api.js';
import { createRepresentationReader, type RepresentationReader } from './representation-reader.js';

const MAX_SKETCH_DIM = 65_536;

/** The engine's info as plain data (the WebLLM engine adds why it reads what it reads). */
export function engineInfo(engine: LocalEngine): EngineInfo & { readonly representationNote?: string } {
  return { ...engine.info };
}

let reader: { key: string; read: RepresentationReader } | undefined;

export async function representPrompt(
  engine: LocalEngine,
  messages: readonly ChatMessage[],
  options: RepresentOptions,
): Promise<PromptRepresentation> {
  const last = messages.at(-1);
  if (!last || last.role !== 'user' || typeof last.content !== 'string' || last.content.trim() === '') {
    throw new RouterError('invalid_request', 'the last message must be a non-empty user message');
  }
  const { kind } =
    engine.info.representation === 'hidden_state_last'
      ? { kind: 'hidden_state_last' as const }
      : { kind: 'logit_sketch' as const };
  const dim = kind === 'hidden_state_last' ? engine.info.hiddenSize : options.sketchDim;
  if (!Number.isInteger(dim) || dim < 1 || dim > MAX_SKETCH_DIM)
    throw new RouterError(
      'invalid_request',
      `sketchDim must be a whole number from 1 to ${MAX_SKETCH_DIM}, not ${dim}`,
    );
  const key = `${engine.info.model}/${kind}/${dim}`;
  if (reader?.key !== key)
    reader = {
      key,
      read: createRepresentationReader({ modelId: engine.info.model, modelSha256: '', kind, dim }, engine.info),
    };
  // Each prompt is read as the first turn of a fresh conversation: what the gate sees for it at route time.
  engine.reset();
  const prefill = await engine.prefill(messages);
  const vector = reader.read(prefill);
  engine.reset();
  return {
    vector,
    kind,
    tokenCount: prefill.tokenCount,
    truncatedTokens: prefill.truncatedTokens,
    prefillMs: prefill.prefillMs,
  };
}
