/**
 * @module engine/fake-engine
 * A deterministic `LocalEngine` for tests only (never shipped as a path): the hidden state is a
 * hash of the prompt and decode spells the prompt back one character per token. It obeys the
 * same contract as `OnnxCausalLm` (local-engine.contract.ts).
 */
import { RouterError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/protocol/chat.js';
import { localPromptText } from '../../core/chat/conversation-text.js';
import type {
  DecodedToken,
  DecodeOptions,
  EngineCounters,
  EngineInfo,
  FinishReason,
  LocalEngine,
  Prefill,
} from '../../core/protocol/local-engine.js';

export class FakeEngine implements LocalEngine {
  readonly info: EngineInfo = {
    kind: 'fake',
    backend: 'cpu',
    model: 'fake',
    hiddenSize: 8,
    contextLength: 64,
    representation: 'hidden_state_last',
  };
  #pending: string | undefined;
  #counters = { prefillCalls: 0, forwardCalls: 0, prefilledTokens: 0 };

  async prefill(messages: readonly ChatMessage[]): Promise<Prefill> {
    const text = localPromptText(messages);
    const tokens = [...text].slice(-(this.info.contextLength - 1));
    this.#pending = text || '.';
    this.#counters.prefillCalls++;
    this.#counters.forwardCalls++;
    this.#counters.prefilledTokens += tokens.length + 1;
    const hiddenState = new Float32Array(this.info.hiddenSize);
    [...text].forEach((ch, i) => {
      hiddenState[i % 8]! += ch.charCodeAt(0) / 1000;
    });
    const lastLogits = new Float32Array(16).map((_, i) => hiddenState[i % 8]! - i / 16);
    return {
      hiddenState,
      lastLogits,
      reusedTokens: 0,
      tokenCount: tokens.length + 1,
      truncatedTokens: Math.max(0, text.length - tokens.length),
      prefillMs: 0,
    };
  }

  async countTokens(messages: readonly ChatMessage[]): Promise<number> {
    return [...localPromptText(messages)].length + 1;
  }

  async *decode(options: DecodeOptions): AsyncGenerator<DecodedToken, FinishReason> {
    const text = this.#pending;
    if (text === undefined) throw new RouterError('engine_not_ready', 'decode() needs a prefill() first');
    for (let i = 0; ; i++) {
      if (options.signal?.aborted) return 'abort';
      if (i >= options.maxTokens) return 'length';
      if (i > 0) this.#counters.forwardCalls++;
      yield { id: text.charCodeAt(i % text.length), text: text[i % text.length]! };
    }
  }

  reset(): void {
    this.#pending = undefined;
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }
}
