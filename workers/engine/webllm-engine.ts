/**
 * @module engine/webllm-engine
 * `LocalEngine` on web-llm, hosted in our router worker beside the gate (issue 5). One chat
 * completion per prompt: pulling its first chunk runs web-llm's prefill (and samples the first
 * token); the representation is read there — the post-norm hidden state through the pipeline tap
 * on Llama-architecture libraries, else the prefill logits through the public LogitProcessor
 * (docs/webllm.md §2–3). `decode` keeps pulling the same stream, so a local answer continues from that
 * prefill; a deferred prompt interrupts it. web-llm is injected (`createEngine`), so the same code
 * runs against the test double of its pipeline.
 */
import { RouterError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/protocol/chat.js';
import type { PlatformProbe } from '../../core/protocol/capabilities.js';
import type {
  DecodedToken,
  DecodeOptions,
  EngineCounters,
  EngineInfo,
  FinishReason,
  LocalEngine,
  Prefill,
} from '../../core/protocol/local-engine.js';
import { countPromptTokens, installHiddenStateTap, type HiddenStateTap } from './webllm/hidden-state-tap.js';
import { createLogitCapture, type LogitCapture } from './webllm/logit-capture.js';

/** A model as the `models` config declares it; URLs absolute (self-hosted: made absolute from `location`). */
export type WebLlmModel = {
  readonly modelId: string;
  /** Weights folder; web-llm needs an absolute URL containing `/resolve/<rev>/`. */
  readonly model: string;
  readonly modelLib: string;
  readonly contextLength: number;
  readonly hiddenSize: number;
  /** The f32 build, used when the adapter lacks `shader-f16`. */
  readonly f32?: Omit<WebLlmModel, 'f32'>;
};

type Chunk = { choices: { delta?: { content?: string | null }; finish_reason?: string | null }[] };
export type MlcEngineLike = {
  chat: {
    completions: {
      create(request: {
        messages: ChatMessage[];
        stream: true;
        temperature: number;
        max_tokens: number;
        seed?: number;
      }): Promise<AsyncIterable<Chunk>>;
    };
  };
  interruptGenerate(): void;
  resetChat(): Promise<void>;
  /** Frees the model (web-llm's `unload`); absent in test doubles that hold nothing. */
  unload?(): Promise<void>;
};
export type CreateMlcEngine = (
  modelId: string,
  config: {
    appConfig: { model_list: { model: string; model_id: string; model_lib: string }[] };
    logitProcessorRegistry: Map<string, LogitCapture>;
    initProgressCallback?: (report: { progress: number; text: string }) => void;
  },
) => Promise<MlcEngineLike>;

/** web-llm's errors → our codes; `engine_failed` hands over to the next rung of the ladder. */
export function mapWebLlmError(error: unknown): RouterError {
  if (error instanceof RouterError) return error;
  const text = String((error as { message?: string })?.message ?? error);
  if (/context.?window|ContextWindowSizeExceeded|exceed.*context/i.test(text))
    return new RouterError('context_window_exceeded', text, { cause: error });
  if (/device (was )?lost|DeviceLost/i.test(text))
    return new RouterError('engine_failed', `WebGPU device lost: ${text}`, { cause: error });
  if (/out of memory|OOM|allocation failed|Failed to allocate/i.test(text))
    return new RouterError('engine_failed', `out of GPU memory: ${text}`, { cause: error });
  if (/WebGPU|navigator\.gpu|requestAdapter|shader-f16/i.test(text))
    return new RouterError('engine_failed', `no usable WebGPU: ${text}`, { cause: error });
  return new RouterError('engine_failed', text, { cause: error });
}

export class WebLlmEngine implements LocalEngine {
  readonly info: EngineInfo & { readonly representationNote: string };
  readonly #engine: MlcEngineLike;
  readonly #capture: LogitCapture;
  readonly #tap: HiddenStateTap | undefined;
  /** The prompt's length on the logit path (the tap counts it itself). */
  readonly #promptTokens: { take(): number } | undefined;
  #stream: AsyncIterator<Chunk> | undefined;
  #first: Promise<IteratorResult<Chunk>> | undefined;
  #stopping: Promise<void> = Promise.resolve();
  #counters = { prefillCalls: 0, forwardCalls: 0, prefilledTokens: 0 };

  private constructor(
    engine: MlcEngineLike,
    capture: LogitCapture,
    tap: HiddenStateTap | { unavailable: string },
    model: Omit<WebLlmModel, 'f32'>,
  ) {
    this.#engine = engine;
    this.#capture = capture;
    this.#tap = 'unavailable' in tap ? undefined : tap;
    this.#promptTokens = this.#tap ? undefined : countPromptTokens(engine, model.modelId);
    this.info = {
      kind: 'webllm',
      backend: 'webgpu',
      model: model.modelId,
      hiddenSize: this.#tap ? model.hiddenSize : 0,
      contextLength: model.contextLength,
      representation: this.#tap ? 'hidden_state_last' : 'logit_sketch',
      representationNote: 'unavailable' in tap ? tap.unavailable : `pipeline tap (${tap.abi} prefill ABI)`,
    };
  }

  /**
   * `signal` cancels the download: web-llm's reload cannot be interrupted, so the wait ends at once
   * with `aborted` and the engine, if it still arrives, is unloaded (the widget also terminates the
   * worker on cancel, which stops the fetches themselves).
   */
  static async create(
    createEngine: CreateMlcEngine,
    model: WebLlmModel,
    probe: PlatformProbe,
    onProgress?: (report: { progress: number; text: string }) => void,
    signal?: AbortSignal,
  ): Promise<WebLlmEngine> {
    // web-llm downloads config and library before it checks the GPU: fail fast here instead.
    if (!probe.webgpu.available)
      throw new RouterError('engine_failed', `WebLLM needs WebGPU: ${probe.webgpu.reason ?? 'no adapter'}`);
    const chosen = probe.webgpu.shaderF16 || !model.f32 ? model : model.f32;
    if (!probe.webgpu.shaderF16 && !model.f32 && /f16/.test(model.modelId))
      throw new RouterError(
        'engine_failed',
        `${model.modelId} needs shader-f16, which this adapter lacks, and no f32 build is configured`,
      );
    const capture = createLogitCapture();
    let engine: MlcEngineLike;
    if (signal?.aborted) throw new RouterError('aborted', 'the model download was cancelled');
    const creating = createEngine(chosen.modelId, {
      appConfig: { model_list: [{ model: chosen.model, model_id: chosen.modelId, model_lib: chosen.modelLib }] },
      logitProcessorRegistry: new Map([[chosen.modelId, capture]]),
      ...(onProgress ? { initProgressCallback: onProgress } : {}),
    });
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => reject(new RouterError('aborted', 'the model download was cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      engine = await Promise.race([creating, cancelled]);
    } catch (error) {
      if (signal?.aborted)
        void creating.then(
          (late) => late.unload?.(),
          () => undefined,
        );
      throw mapWebLlmError(error);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    return new WebLlmEngine(engine, capture, installHiddenStateTap(engine, chosen.modelId), chosen);
  }

  async prefill(messages: readonly ChatMessage[]): Promise<Prefill> {
    const started = performance.now();
    await this.#stop();
    const logits = this.#capture.arm();
    // Whatever an earlier, failed prefill left behind is not this prompt's.
    this.#tap?.take();
    this.#promptTokens?.take();
    try {
      const stream = await this.#engine.chat.completions.create({
        messages: [...messages],
        stream: true,
        temperature: 0,
        max_tokens: this.info.contextLength,
      });
      this.#stream = stream[Symbol.asyncIterator]();
      this.#first = this.#stream.next(); // runs web-llm's prefill and samples the first token
      await this.#first;
    } catch (error) {
      this.#stream = undefined;
      throw mapWebLlmError(error);
    }
    const lastLogits = await logits;
    const tapped = this.#tap?.take();
    // web-llm reports the prompt length only in its final usage chunk; the prefill calls give it at once.
    const tokenCount = tapped?.tokenCount ?? this.#promptTokens?.take() ?? 0;
    this.#counters.prefillCalls++;
    this.#counters.prefilledTokens += tokenCount;
    return {
      hiddenState: tapped?.hiddenState ?? new Float32Array(0),
      lastLogits,
      tokenCount,
      reusedTokens: 0,
      truncatedTokens: 0,
      prefillMs: performance.now() - started,
    };
  }

  /**
   * An upper bound without web-llm's tokenizer at hand: a byte-level BPE never makes more tokens
   * than UTF-8 bytes, plus the chat template's few special tokens per message. It over-estimates
   * (so the history window keeps fewer turns than would fit), never under (decision 015).
   */
  async countTokens(messages: readonly ChatMessage[]): Promise<number> {
    const bytes = new TextEncoder();
    return 1 + messages.reduce((n, m) => n + bytes.encode(m.content).length + 8, 0);
  }

  async *decode(options: DecodeOptions): AsyncGenerator<DecodedToken, FinishReason> {
    if (!this.#stream || !this.#first) throw new RouterError('engine_not_ready', 'decode() needs a prefill() first');
    let step = await this.#first;
    this.#first = undefined;
    let produced = 0;
    for (;;) {
      if (options.signal?.aborted) {
        await this.#stop();
        return 'abort';
      }
      if (step.done) {
        this.#stream = undefined;
        return 'stop';
      }
      const choice = step.value.choices[0];
      const text = choice?.delta?.content ?? '';
      if (text) {
        yield { id: this.#capture.sampled[produced] ?? -1, text };
        produced++;
        this.#counters.forwardCalls++;
      }
      if (choice?.finish_reason) {
        await this.#stop(false);
        return choice.finish_reason === 'length' ? 'length' : 'stop';
      }
      if (produced >= options.maxTokens) {
        await this.#stop();
        return 'length';
      }
      try {
        step = await this.#stream!.next();
      } catch (error) {
        this.#stream = undefined;
        throw mapWebLlmError(error);
      }
    }
  }

  reset(): void {
    void this.#stop();
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  /**
   * Ends a generation the router did not continue (a deferred prompt, or maxTokens reached). The
   * stream is drained after the interrupt, not `return()`ed: web-llm 0.2.79 releases its per-model
   * lock only when the generator runs to its end, so a `return()` at a yield left it held and the
   * next prompt waited forever (seen on the real runtime: the second prompt never started). With
   * the interrupt set, web-llm stops before its next decode step, so the drain costs no forward pass.
   */
  async #stop(interrupt = true): Promise<void> {
    if (this.#stream) {
      const stream = this.#stream;
      this.#stream = undefined;
      this.#first = undefined;
      if (interrupt) this.#engine.interruptGenerate();
      this.#stopping = (async () => {
        try {
          while (!(await stream.next()).done) {
            /* the interrupted generation's last chunks */
          }
        } catch {
          // An interrupted generation that ends in an error is over all the same.
        }
      })();
    }
    await this.#stopping;
  }
}
