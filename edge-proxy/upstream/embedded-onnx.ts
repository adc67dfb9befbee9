/**
 * @module upstream/embedded-onnx
 * The embedded upstream: a `LocalEngine` generating for real on this machine: the local model's
 * ONNX graph through the same `OnnxCausalLm` the browser runs, or a GGUF chat model on native
 * llama.cpp (whose inference runs on its own threads, off the event loop). One engine, one request
 * at a time (a promise chain), because an engine owns one KV cache.
 */
import type { LocalEngine } from '../../core/protocol/local-engine.js';
import { answerReserve } from '../../core/routing/history-window.js';
import type { Upstream, UpstreamRequest, UpstreamResult } from './upstream.js';

export function createEmbeddedOnnxUpstream(
  createEngine: () => Promise<LocalEngine>,
  id = 'stories260K',
  kind: Upstream['kind'] = 'embedded',
): Upstream {
  let engine: Promise<LocalEngine> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  async function* generate(request: UpstreamRequest, signal: AbortSignal): AsyncGenerator<string, UpstreamResult> {
    let release!: () => void;
    const turn = queue.then(() => undefined);
    queue = new Promise<void>((r) => {
      release = r;
    });
    await turn;
    try {
      engine ??= createEngine();
      const e = await engine;
      // A prompt that fills the window leaves no room to answer (an empty 200 reply): read its
      // last part, keeping the answer's room (decision 003's left truncation; decision 015).
      // Without a client limit the answer may use the rest of the window (decode stops there).
      const maxTokens = request.maxTokens ?? e.info.contextLength;
      const prefill = await e.prefill(request.messages, {
        maxPromptTokens: e.info.contextLength - answerReserve(e.info.contextLength, maxTokens),
      });
      const stream = e.decode({ maxTokens, temperature: request.temperature ?? 0, seed: request.seed ?? 0, signal });
      let completionTokens = 0;
      for (;;) {
        const step = await stream.next();
        if (step.done) {
          return {
            finishReason: step.value === 'stop' ? 'stop' : 'length',
            promptTokens: prefill.tokenCount,
            completionTokens,
          };
        }
        completionTokens++;
        yield step.value.text;
      }
    } finally {
      release();
    }
  }

  return { id, model: id, kind, generate };
}
