/**
 * @module engine/webllm/hidden-state-tap
 * The one module that touches web-llm's private pipeline (WEBLLM.md §3). On Llama-architecture
 * model libraries it wraps the chat pipeline's `prefill` so the chat's own prefill also yields the
 * post-norm last-position hidden state, with no extra forward pass: `prefill_to_last_hidden_states`
 * → row n−1 by `batch_select_last_hidden_states` → a CPU copy of that row, and `get_logits` on it
 * for web-llm. Both prefill signatures are handled: "single" `(emb, kv, params)` and "batch"
 * `(emb, logitPositions, kv, params)`. Everything is probed at run time; when anything is missing
 * `installHiddenStateTap` says why and the engine falls back to the public logit path.
 */

/** The tvmjs surface we use (names as in tvmjs; typed loosely because the fields are private). */
export type NDArrayLike = { readonly shape: readonly number[]; view(shape: readonly number[]): NDArrayLike; copyFrom(data: NDArrayLike | Int32Array | Float32Array): NDArrayLike; toArray(): Float32Array | Int32Array };
type PackedFunc = (...args: unknown[]) => unknown;
type TvmLike = { beginScope(): void; endScope(): void; detachFromCurrentScope<T>(v: T): T; empty(shape: readonly number[], dtype: string, device: unknown): NDArrayLike; cpu(): unknown };
type PipelineLike = {
  tvm: TvmLike; vm: { getFunction(name: string): PackedFunc }; device: unknown; params: unknown;
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

export function installHiddenStateTap(engine: unknown, modelId: string): HiddenStateTap | { readonly unavailable: string } {
  const pipeline = (engine as EngineLike).loadedModelIdToPipeline?.get(modelId);
  if (!pipeline || typeof pipeline.prefill !== 'function' || !pipeline.vm || !pipeline.tvm) return { unavailable: 'web-llm pipeline fields not found (version changed?)' };
  const { tvm, vm } = pipeline;
  const fns: Partial<Record<(typeof FUNCTIONS)[number], PackedFunc>> = {};
  tvm.beginScope();
  try {
    for (const name of FUNCTIONS) fns[name] = tvm.detachFromCurrentScope(vm.getFunction(name));
  } catch {
    return { unavailable: 'the model library does not compile prefill_to_last_hidden_states (not a Llama-architecture library)' };
  } finally {
    tvm.endScope();
  }
  const abi = pipeline.resolvedModelABI?.prefillABI ?? 'single';
  const original = pipeline.prefill;
  let pending: { row: NDArrayLike; tokenCount: number } | undefined;
  pipeline.prefill = (...args: unknown[]) => {
    const [embedding, kvCache, params] = abi === 'batch' ? [args[0], args[2], args[3]] : [args[0], args[1], args[2]];
    const out = fns.prefill_to_last_hidden_states!(embedding, kvCache, params) as { get(i: number): NDArrayLike };
    const hidden = out.get(0); // [1, n, H]: every position
    const [, n, h] = hidden.shape as [number, number, number];
    const position = tvm.empty([1], 'int32', pipeline.device).copyFrom(Int32Array.of(n - 1));
    const last = fns.batch_select_last_hidden_states!(hidden.view([n, h]), position) as NDArrayLike; // [1, H]
    pending = { row: tvm.detachFromCurrentScope(tvm.empty([1, h], 'float32', tvm.cpu()).copyFrom(last)), tokenCount: n };
    const logits = fns.get_logits!(last, params) as NDArrayLike; // [1, V]
    const viewed = logits.view([1, 1, logits.shape[1]!]);
    return { get: (i: number) => (i === 0 ? viewed : out.get(1)) };
  };
  return {
    abi,
    take() {
      const value = pending ? { hiddenState: Float32Array.from(pending.row.toArray() as Float32Array), tokenCount: pending.tokenCount } : undefined;
      pending = undefined;
      return value;
    },
    uninstall() { pipeline.prefill = original; },
  };
}
