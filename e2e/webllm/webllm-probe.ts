/**
 * @module e2e/webllm/webllm-probe
 * What `@mlc-ai/web-llm` resolves to in the real-runtime test build (vite.webllm.config.ts): web-llm
 * 0.2.79 re-exported unchanged, with observe-only wrappers that record a prompt's token ids and the
 * logits of the first step after its prefill, and a BroadcastChannel the test page asks for them.
 * The router worker's code path is not altered: the wrappers call through and return what they got.
 * Asked for `independent`, it also computes the prompt's post-norm last hidden state on a private
 * KV cache with the library's own functions (embed → prefill_to_last_hidden_states →
 * batch_select_last_hidden_states → get_logits), the check the hidden-state tap must equal.
 */
import * as WebLlm from '@mlc-ai/web-llm-0.2.79';

export * from '@mlc-ai/web-llm-0.2.79';

/* eslint-disable @typescript-eslint/no-explicit-any -- web-llm's pipeline and tvmjs are private, untyped surfaces */
type Pipeline = { getTokensEmbeddings(tokens: number[]): unknown } & Record<string, any>;
type Engine = { loadedModelIdToPipeline: Map<string, Pipeline> };
type Capture = { processLogits(logits: Float32Array): Float32Array };

const observed: { prefillTokens: number[][]; prefillLogits: Float32Array[] } = { prefillTokens: [], prefillLogits: [] };

export async function CreateMLCEngine(
  modelId: string,
  config: { logitProcessorRegistry?: Map<string, Capture> } & Record<string, unknown>,
) {
  let afterPrefill = false;
  const capture = config.logitProcessorRegistry?.get(modelId);
  if (capture) {
    const processLogits = capture.processLogits.bind(capture);
    capture.processLogits = (logits) => {
      if (afterPrefill) {
        observed.prefillLogits.push(Float32Array.from(logits));
        afterPrefill = false;
      }
      return processLogits(logits);
    };
  }
  const engine = (await WebLlm.CreateMLCEngine(modelId, config as never)) as unknown as Engine;
  const pipeline = engine.loadedModelIdToPipeline.get(modelId)!;
  pipelineRef = pipeline;
  const embed = pipeline.getTokensEmbeddings.bind(pipeline);
  pipeline.getTokensEmbeddings = (tokens) => {
    // One token is a decode step; more are (a chunk of) a prompt.
    if (tokens.length > 1) {
      observed.prefillTokens.push([...tokens]);
      afterPrefill = true;
    }
    return embed(tokens);
  };
  return engine;
}

let pipelineRef: Pipeline | undefined;

/** The kit's independent computation (../shared/webllm-kit/project-engine/webllm-shim.mjs), on the last prompt. */
async function independentHiddenState(): Promise<
  { hidden: number[]; maxAbsGetLogitsVsProcessLogits: number | null } | { unavailable: string }
> {
  const p = pipelineRef;
  const tokens = observed.prefillTokens.at(-1);
  if (!p || !tokens) return { unavailable: 'no prompt was prefilled' };
  const { tvm, vm } = p;
  const fn = (name: string) => tvm.detachFromCurrentScope(vm.getFunction(name));
  tvm.beginScope();
  let fHidden: any, fSelect: any, fLogits: any, fCreateKv: any;
  try {
    [fHidden, fSelect, fLogits, fCreateKv] = [
      'prefill_to_last_hidden_states',
      'batch_select_last_hidden_states',
      'get_logits',
      'create_tir_paged_kv_cache',
    ].map(fn);
  } catch (error) {
    return { unavailable: String(error) };
  } finally {
    tvm.endScope();
  }
  const n = tokens.length;
  tvm.beginScope();
  const kv = tvm.detachFromCurrentScope(
    fCreateKv(
      tvm.makeShapeTuple([1]),
      tvm.makeShapeTuple([1024]),
      tvm.makeShapeTuple([1024]),
      tvm.makeShapeTuple([16]),
      tvm.makeShapeTuple([0]),
    ),
  );
  p.fKVCacheAddSequence(kv, tvm.scalar(0, 'int64'));
  const ids = tvm.empty([n], 'int32', p.device).copyFrom(Int32Array.from(tokens));
  const embedding = p.embed(ids, p.params);
  const h = embedding.shape[1];
  p.fKVCacheBeginForward(kv, tvm.makeShapeTuple([0]), tvm.makeShapeTuple([n]));
  const states = fHidden(embedding.view([1, n, h]), kv, p.params).get(0);
  p.fKVCacheEndForward(kv);
  const last = fSelect(states.view([n, h]), tvm.empty([1], 'int32', p.device).copyFrom(Int32Array.of(n - 1)));
  const logits = fLogits(last, p.params);
  const hostRow = tvm.empty([1, h], 'float32', tvm.cpu()).copyFrom(last);
  const hostLogits = tvm.empty(logits.shape, 'float32', tvm.cpu()).copyFrom(logits);
  await p.device.sync();
  const row = Array.from(hostRow.toArray() as Float32Array);
  const computed = hostLogits.toArray() as Float32Array;
  const seen = observed.prefillLogits.at(-1);
  let diff = 0;
  if (seen) for (let i = 0; i < computed.length; i++) diff = Math.max(diff, Math.abs(computed[i]! - seen[i]!));
  tvm.endScope();
  p.fclearKVCaches(kv);
  kv.dispose();
  return { hidden: row, maxAbsGetLogitsVsProcessLogits: seen ? diff : null };
}

const channel = new BroadcastChannel('riskgate-webllm-probe');
channel.onmessage = async (event: MessageEvent<string>) => {
  if (event.data === 'independent') {
    channel.postMessage({
      independent: await independentHiddenState().catch((error: unknown) => ({ unavailable: String(error) })),
    });
    return;
  }
  if (event.data === 'report')
    channel.postMessage({
      prefillTokens: observed.prefillTokens,
      prefillLogits: observed.prefillLogits.map((l) => Array.from(l)),
    });
};
