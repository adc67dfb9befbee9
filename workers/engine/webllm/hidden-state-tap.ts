/**
 * @module engine/webllm/hidden-state-tap
 * The one module that touches web-llm's private pipeline (docs/webllm.md §3). On Llama-architecture
 * model libraries it wraps the chat pipeline's `prefill` so the chat's own prefill also yields the
 * post-norm last-position hidden state, with no extra forward pass: `prefill_to_last_hidden_states`
 * → row n−1 by `batch_select_last_hidden_states` → a CPU copy of that row, and `get_logits` on it
 * for web-llm. Only the "single" prefill signature `(emb, kv, params)` is tapped: it is what
 * web-llm 0.2.79 runs and what the real-runtime test verified (the tap's state equals an
 * independent computation exactly). The "batch" signature of later releases cannot be run offline
 * here, so it is not trusted: the engine then reads the logits instead and says why. Everything is
 * probed at run time; when anything is missing `installHiddenStateTap` says why.
 *
 * Prompt length: web-llm prefills a long prompt in chunks, one `prefill` call each. The tap (and,
 * without it, `countPromptTokens`) adds them up, so the count is the whole prompt's, not the last
 * chunk's; web-llm's public stream reports it only in its last chunk, after decoding.
 */

/** The web-llm releases and prefill ABI the tap was verified on (e2e/webllm-runtime.spec.ts). */
export const TAP_VERIFIED_ON = 'web-llm 0.2.79, single prefill ABI';

/** The tvmjs surface we use (names as in tvmjs; typed loosely because the fields are private). */
export type NDArrayLike = {
  readonly shape: readonly number[];
  view(shape: readonly number[]): NDArrayLike;
  copyFrom(data: NDArrayLike | Int32Array | Float32Array): NDArrayLike;
  toArray(): Float32Array | Int32Array;
  dispose?(): void;
};
type PackedFunc = (...args: unknown[]) => unknown;
type TvmLike = {
  beginScope(): void;
  endScope(): void;
  detachFromCurrentScope<T>(v: T): T;
  empty(shape: readonly number[], dtype: string, device: unknown): NDArrayLike;
  cpu(): unknown;
};
type PipelineLike = {
  /** What web-llm calls for a forward of exactly one token: also the last chunk of a prompt when it is one token long. */
  decoding?: PackedFunc;
  tvm: TvmLike;
  vm: { getFunction(name: string): PackedFunc };
  device: unknown;
  params: unknown;
  prefill: PackedFunc;
  resolvedModelABI?: { prefillABI?: 'single' | 'batch' };
};
type EngineLike = { loadedModelIdToPipeline?: Map<string, PipelineLike> };

export type HiddenStateTap = {
  readonly abi: 'single' | 'batch';
  /** The last prefill's post-norm hidden state and its prompt length; read after web-llm's device.sync. */
  take(): { hiddenState: Float32Array; tokenCount: number } | undefined;
  uninstall(): void;
};

const FUNCTIONS = ['prefill_to_last_hidden_states', 'batch_select_last_hidden_states', 'get_logits'] as const;

export function installHiddenStateTap(
  engine: unknown,
  modelId: string,
): HiddenStateTap | { readonly unavailable: string } {
  const pipeline = (engine as EngineLike).loadedModelIdToPipeline?.get(modelId);
  if (!pipeline || typeof pipeline.prefill !== 'function' || !pipeline.vm || !pipeline.tvm)
    return { unavailable: 'web-llm pipeline fields not found (version changed?)' };
  const { tvm, vm } = pipeline;
  const fns: Partial<Record<(typeof FUNCTIONS)[number], PackedFunc>> = {};
  tvm.beginScope();
  try {
    for (const name of FUNCTIONS) fns[name] = tvm.detachFromCurrentScope(vm.getFunction(name));
  } catch {
    return {
      unavailable:
        'the model library does not compile prefill_to_last_hidden_states (not a Llama-architecture library)',
    };
  } finally {
    tvm.endScope();
  }
  const abi = pipeline.resolvedModelABI?.prefillABI ?? 'single';
  if (abi !== 'single')
    return {
      unavailable: `web-llm's ${abi} prefill ABI is not verified for the hidden-state tap (verified: ${TAP_VERIFIED_ON})`,
    };
  const original = pipeline.prefill;
  let pending: { row: NDArrayLike; tokenCount: number } | undefined;
  let promptTokens = 0;
  // One tapped forward: every position's hidden state, the last one's row kept, logits from it.
  const tapped = (embedding: unknown, kvCache: unknown, params: unknown) => {
    const out = fns.prefill_to_last_hidden_states!(embedding, kvCache, params) as { get(i: number): NDArrayLike };
    const hidden = out.get(0); // [1, n, H]: every position
    const [, n, h] = hidden.shape as [number, number, number];
    const position = tvm.empty([1], 'int32', pipeline.device).copyFrom(Int32Array.of(n - 1));
    const last = fns.batch_select_last_hidden_states!(hidden.view([n, h]), position) as NDArrayLike; // [1, H]
    // A later chunk of the same prompt replaces the row (the last position is in the last chunk).
    pending?.row.dispose?.();
    promptTokens += n;
    pending = {
      row: tvm.detachFromCurrentScope(tvm.empty([1, h], 'float32', tvm.cpu()).copyFrom(last)),
      tokenCount: promptTokens,
    };
    const logits = fns.get_logits!(last, params) as NDArrayLike; // [1, V]
    const viewed = logits.view([1, 1, logits.shape[1]!]);
    return { get: (i: number) => (i === 0 ? viewed : out.get(1)) };
  };
  pipeline.prefill = (...args: unknown[]) => tapped(args[0], args[1], args[2]);
  // A prompt whose last chunk is one token long forwards that token through `decoding`: while a
  // prompt is in progress (a row not yet taken), tap that forward too, or the row would be the
  // previous chunk's (a hidden state of the wrong position).
  const originalDecoding = pipeline.decoding;
  if (originalDecoding)
    pipeline.decoding = (...args: unknown[]) =>
      pending ? tapped(args[0], args[1], args[2]) : originalDecoding(...args);
  return {
    abi,
    take() {
      const value = pending
        ? { hiddenState: Float32Array.from(pending.row.toArray() as Float32Array), tokenCount: pending.tokenCount }
        : undefined;
      pending?.row.dispose?.(); // the detached CPU copy is ours to free
      pending = undefined;
      promptTokens = 0;
      return value;
    },
    uninstall() {
      pipeline.prefill = original;
      if (originalDecoding) pipeline.decoding = originalDecoding;
    },
  };
}

/**
 * Without the tap (a library with no hidden-state functions): counts the prompt's tokens by
 * watching the same `prefill` calls, passing every argument and result through untouched.
 */
export function countPromptTokens(engine: unknown, modelId: string): { take(): number } | undefined {
  const pipeline = (engine as EngineLike).loadedModelIdToPipeline?.get(modelId);
  if (!pipeline || typeof pipeline.prefill !== 'function') return undefined;
  const original = pipeline.prefill;
  const originalDecoding = pipeline.decoding;
  let tokens = 0;
  const length = (embedding: unknown) => {
    const shape = (embedding as { shape?: readonly number[] } | undefined)?.shape;
    return shape?.length === 3 ? shape[1]! : shape?.length === 2 ? shape[0]! : 0; // [1, n, H] (or [n, H])
  };
  pipeline.prefill = (...args: unknown[]) => {
    tokens += length(args[0]);
    return original(...args);
  };
  // A one-token last chunk of the prompt: a decode while the prompt is still being counted.
  if (originalDecoding)
    pipeline.decoding = (...args: unknown[]) => {
      if (tokens > 0) tokens += length(args[0]);
      return originalDecoding(...args);
    };
  return {
    take: () => {
      const n = tokens;
      tokens = 0;
      return n;
    },
  };
}
