/**
 * @module router-worker-api
 * Implements `RouterWorkerApi`: load (shared artifacts, then the fallback ladder) and route (one
 * prefill per prompt → gate → τ(λ, α) → local decode or edge stream). All engine and gate work
 * goes through one single-flight queue. onnxruntime-web is injected as a loader per build
 * (WASM-only, WebGPU) so the worker downloads only the build a rung needs.
 */
import { RouterError, toErrorPayload } from '../core/errors.js';
import { labelsModelOf, operatingGrid, uncertifiedPoints, type ThresholdsFile } from '../core/calibration/threshold-table.js';
import { promiseOf } from '../core/decision/promise.js';
import { loadAdaptiveThresholds } from '../core/decision/adaptive-thresholds.js';
import { composePolicy } from '../core/decision/threshold-policy.js';
import { tablePolicy } from '../core/decision/table-policy.js';
import { perCluster } from '../core/decision/refinements/per-cluster.js';
import { liveCosts } from '../core/decision/refinements/live-costs.js';
import { adaptive } from '../core/decision/refinements/adaptive.js';
import { validateRouteRequest } from '../core/decision/validate-request.js';
import { clusterModelOf } from '../core/calibration/cluster-table.js';
import type { LocalEngine } from '../core/protocol/local-engine.js';
import type { LoadProgress, RouteEvent, RouteRequest, RouterWorkerApi, WorkerConfig, WorkerStatus } from '../core/protocol/worker-api.js';
import { isThreadsPreference, ladderFor, UNMEASURED_RUNTIME, wasmThreadsFor, type Capabilities, type MeasuredRuntime } from '../core/protocol/capabilities.js';
import { parseTok512 } from '../core/tokenizer/tok512.js';
import { collectDecode } from './engine/collect-decode.js';
import { OnnxCausalLm } from './engine/onnx-causal-lm.js';
import { createRepresentationReader } from './gate/representation-reader.js';
import { fetchBytes, fetchManifest, fetchVerified } from './artifacts.js';
import { createSingleFlight } from './single-flight.js';
import { fetchModelsConfig, loadWebLlmEngine, loadWebLlmRung } from './engine/webllm-rung.js';
import { ggufThreadsFor, loadGgufEngine, loadGgufRung } from './engine/gguf-rung.js';
import type { DeclaredRung } from './engine/declared-gate.js';
import { probePlatform } from './capability-probe.js';
import type { KeyValueStore } from '../core/protocol/key-value-store.js';
import { idbStore } from './threshold-cache.js';
import { memoizeOrtLoader, type OrtLoader } from './load/ort-runtimes.js';
import { loadSharedArtifacts } from './load/load-artifacts.js';
import { rungReason, walkLadder } from './load/fallback-ladder.js';
import { classifyLoadFailure, edgeOnlyRouter, failsTheLoad } from './load/edge-only.js';
import { byteProgress, type ReportProgress } from './load/progress.js';
import { loadLiveCosts, speedMemory } from './route/live-costs.js';
import { judgeAgainstEdge } from './edge-client.js';
import { planRoute, type ActiveRouter } from './route/decide.js';
import { streamEdge, streamLocal } from './route/answer-streams.js';
import { engineInfo, representPrompt } from './gate/represent-prompt.js';

type Loaded = ActiveRouter & { readonly status: WorkerStatus };

const DEFAULT_MAX_TOKENS = 96;

/** Why a gate's labels are not this model's own answers, or undefined when they are. */
function foreignLabels(thresholds: ThresholdsFile, loadedModel: string): string | undefined {
  const labels = labelsModelOf(thresholds);
  const sameWeights = labels.sha256 === undefined || labels.sha256 === thresholds.representation.modelSha256;
  if (labels.id === loadedModel && sameWeights) return undefined;
  return `gate_labels_mismatch: the gate was fitted to the answers of ${labels.id}, but ${loadedModel} answers here `
    + '(fit a gate for it with `riskgate fit`); every message goes to the larger model';
}

export function createRouterWorkerApi(loadOrt: OrtLoader, store: KeyValueStore = idbStore): RouterWorkerApi {
  const exclusive = createSingleFlight();
  let loaded: Promise<Loaded> | undefined;
  let cancel = new AbortController();
  let currentRoute: AbortController | undefined;
  let representing: ReturnType<typeof loadLadder> | undefined;
  // ORT reads numThreads when its WASM module starts; a later init in the same worker keeps it.
  let appliedThreads: { threads: number; reason: string } | undefined;
  const ort = memoizeOrtLoader(loadOrt, () => appliedThreads?.threads ?? 1);

  const ready = async (): Promise<Loaded> => {
    if (!loaded) throw new RouterError('engine_not_ready', 'call init() before routing');
    return loaded;
  };

  /**
   * The probe, the manifest and the fallback ladder's walk. Routing also loads the shared gate and
   * thresholds (and a WebLLM model's own); `represent` loads the engine alone, since the gate for
   * its representation is what is being trained.
   */
  async function loadLadder(config: WorkerConfig, report: ReportProgress, purpose: 'route' | 'represent') {
    const started = performance.now();
    const { signal } = cancel;
    if (config.threads !== undefined && !isThreadsPreference(config.threads)) {
      throw new RouterError('invalid_request', `threads must be 'auto' or a whole number from 1 to 64, not ${JSON.stringify(config.threads)}`);
    }
    const probe = await probePlatform();
    const manifest = await fetchManifest(config.modelsUrl, signal);
    report({ stage: 'manifest', loaded: 1, total: 1, text: 'manifest read' });
    const at = (path: string) => new URL(path, config.modelsUrl).href;
    const runtime = manifest.local_model.runtime;
    const measured: MeasuredRuntime = runtime ? { backend: runtime.backend, wasmThreads: runtime.wasm_threads } : UNMEASURED_RUNTIME;
    let threads = wasmThreadsFor(probe, config.threads ?? 'auto', measured);
    // ORT starts its thread workers from its own script URL, which a page cannot do cross-origin.
    if (config.crossOriginScript && threads.threads > 1) threads = { threads: 1, reason: `${threads.reason}, but the widget's script is on another origin (ORT cannot start its thread workers there)` };
    appliedThreads ??= threads;
    const wasmOrt = await ort('wasm');
    const shared = purpose === 'route' ? await loadSharedArtifacts(wasmOrt, manifest, config.modelsUrl, store, report, signal) : undefined;
    const models = await fetchModelsConfig(config.modelsUrl, signal);
    const { order, skipped } = ladderFor(probe, config.backend ?? 'auto', models.webllm !== undefined, measured, models.gguf !== undefined);
    const ggufThreads = ggufThreadsFor(probe, config.threads ?? 'auto');

    // The ONNX model's bytes are fetched once, whichever ONNX rung uses them.
    let onnxBytes: Promise<[{ bytes: Uint8Array }, Uint8Array]> | undefined;
    const loadOnnx = async (backend: 'webgpu' | 'wasm'): Promise<LocalEngine> => {
      onnxBytes ??= Promise.all([
        fetchVerified(at(manifest.local_model.onnx), manifest.local_model.sha256, byteProgress(report, 'model', manifest.local_model.id), signal),
        fetchBytes(at(manifest.local_model.tokenizer), byteProgress(report, 'tokenizer', 'tokenizer'), signal),
      ]);
      const [model, tokenizerBytes] = await onnxBytes;
      report({ stage: 'compile', loaded: 0, total: null, text: `preparing ${manifest.local_model.id} on ${backend}` });
      return OnnxCausalLm.create(await ort(backend), model.bytes, parseTok512(tokenizerBytes), {
        modelId: manifest.local_model.id, backend, contextLength: manifest.local_model.context_length, executionProviders: [backend],
      });
    };
    const { rung, loaded: rungLoaded, failed } = await walkLadder<{ engine: LocalEngine; declared?: DeclaredRung; notice?: string | null }>(order, async (candidate) => {
      if (candidate === 'gguf-wasm') {
        if (purpose === 'represent') {
          const gguf = await loadGgufEngine(models.gguf!, config.modelsUrl, ggufThreads, report, signal);
          return { engine: gguf.engine, notice: gguf.fileNotice };
        }
        const gguf = await loadGgufRung(wasmOrt, models.gguf!, config.modelsUrl, ggufThreads, store, report, signal);
        return { engine: gguf.engine, declared: gguf, notice: gguf.fileNotice };
      }
      if (candidate !== 'webllm-webgpu') return { engine: await loadOnnx(candidate === 'onnx-webgpu' ? 'webgpu' : 'wasm') };
      if (purpose === 'represent') return { engine: await loadWebLlmEngine(models.webllm!, config.modelsUrl, probe, report, signal) };
      const webllm = await loadWebLlmRung(wasmOrt, models.webllm!, config.modelsUrl, probe, store, report, signal);
      return { engine: webllm.engine, declared: webllm };
    });
    const engine = rungLoaded?.engine;
    const note = engine && 'representationNote' in engine.info ? `WebLLM model configured (${String(engine.info.representationNote)})` : undefined;
    const chosenBecause = rung === 'webllm-webgpu' ? note ?? 'WebLLM model configured'
      : rung === 'gguf-wasm' ? `GGUF model configured, ${ggufThreads.reason}`
      : config.backend === 'webgpu' ? 'WebGPU requested' : config.backend === 'wasm' ? 'WASM requested' : `measured default for this model (${runtime?.measured ?? 'decision 003'})`;
    const reason = rungReason(rung, failed, chosenBecause);
    const capabilities: Capabilities = Object.freeze({ ...probe, rung, reason, skipped: Object.freeze([...skipped, ...failed]), ...(rung === 'gguf-wasm' ? { wasmThreads: ggufThreads.threads, wasmThreadsReason: `llama.cpp: ${ggufThreads.reason}` } : { wasmThreads: appliedThreads.threads, wasmThreadsReason: appliedThreads.reason }) });
    report({ stage: 'ready', loaded: 1, total: 1, text: `ready: ${rung}` });
    return { engine, declared: rungLoaded?.declared, fileNotice: rungLoaded?.notice ?? null, shared, capabilities, reason, started };
  }

  /** The widget's own files could not be used (missing, refused, WASM blocked): the visitor still chats, with the edge. */
  async function load(config: WorkerConfig, report: ReportProgress): Promise<Loaded> {
    const attempted = performance.now();
    return loadRouting(config, report).catch(async (error: unknown) => {
      const { code, message } = classifyLoadFailure(toErrorPayload(error));
      if (failsTheLoad(code)) throw error;
      report({ stage: 'ready', loaded: 1, total: 1, text: 'ready: edge-only' });
      return edgeOnlyRouter(await probePlatform(), `${code}: ${message}`, performance.now() - attempted);
    });
  }

  async function loadRouting(config: WorkerConfig, report: ReportProgress): Promise<Loaded> {
    const ladder = await loadLadder(config, report, 'route');
    const { declared, shared, started } = ladder;
    // A gate fitted to another model's answers would promise something about a model that does not
    // answer here (issue 22): refused, and the visitor is served by the edge, saying why.
    const refused = ladder.engine && config.gateLabels !== 'any'
      ? foreignLabels((declared ?? shared!).thresholds, ladder.engine.info.model) : undefined;
    const engine = refused ? undefined : ladder.engine;
    const reason = refused ?? ladder.reason;
    const capabilities: Capabilities = refused
      ? Object.freeze({ ...ladder.capabilities, rung: 'edge-only', reason: refused })
      : ladder.capabilities;
    // The ONNX model was checked against the gate by sha256; this checks that it gives what the
    // gate reads (a model without hidden_states only has logits). A deployment error: reported.
    const readRepresentation = declared?.readRepresentation ?? createRepresentationReader(shared!.thresholds.representation, engine?.info);
    const active = declared ?? shared!;
    const clusterTable = config.riskControl === 'per-cluster' ? active.thresholds.clusters : undefined;
    // Under per-cluster risk control each cluster's τ adapts on its own.
    const online = config.adaptThreshold ? await loadAdaptiveThresholds(store, active.gateSha256, active.thresholds) : undefined;
    // A refinement, not a requirement: without its calibration set the table routes, and the page is told why.
    const live = config.costModel === 'live'
      ? await loadLiveCosts(active.thresholds, active.thresholdsUrl, active.gateSha256, await speedMemory(store, engine ? `${engine.info.model}@${engine.info.backend}` : 'edge-only'), cancel.signal).then((l) => ({ l, notice: null }), (error: unknown) => ({ l: undefined, notice: `live costs unavailable, the calibrated table routes: ${toErrorPayload(error).message}` }))
      : { l: undefined, notice: null };
    // The one place the threshold policy is composed: the table, then each refinement the page asked for.
    const policy = composePolicy(tablePolicy(active.thresholds), [
      clusterTable && perCluster({ ...active.thresholds, clusters: clusterTable }, clusterModelOf(clusterTable)),
      live.l && liveCosts(live.l),
      online && adaptive(online),
    ]);
    const status: WorkerStatus = {
      engine: engine?.info ?? null, capabilities, storageNotice: [active.storageNotice, ladder.fileNotice].filter(Boolean).join('; ') || null, gateSha256: active.gateSha256, thresholdsSource: active.source,
      grid: operatingGrid(active.thresholds), uncertified: uncertifiedPoints(active.thresholds), promise: promiseOf(active.thresholds), ...policy.status(), costModelNotice: live.notice, loadMs: performance.now() - started,
    };
    return { engine, gate: active.gate, readRepresentation, thresholds: active.thresholds, thresholdsSource: active.source, noEngineReason: reason, policy, live: live.l, status };
  }

  async function route(request: RouteRequest, onEvent: (event: RouteEvent) => void | Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await exclusive(async () => {
        const active = await ready();
        validateRouteRequest(request);
        const stop = new AbortController();
        currentRoute = stop;
        const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
        const { decision, prefill, representation, gateMs } = await planRoute(request, active, maxTokens);
        await onEvent({ type: 'decision', decision });
        let firstTokenMs: number | null = null;
        let tokens = 0;
        // Awaiting each event keeps order across comlink's callback port and gives backpressure.
        const emit = async (text: string) => {
          firstTokenMs ??= performance.now() - started;
          tokens++;
          await onEvent({ type: 'token', text });
        };
        const decodeStarted = performance.now();
        const end = decision.path === 'local' && active.engine && prefill
          ? await streamLocal(active.engine, prefill, request, maxTokens, emit, stop.signal)
          // The edge answers; the cache keeps this prompt, so the next turn prefills only the edge's reply and what follows.
          : await streamEdge(request, maxTokens, { score: decision.score, threshold: decision.threshold, representation, representationModel: active.thresholds.representation.modelId }, emit, stop.signal);
        const decodeS = (performance.now() - decodeStarted) / 1000;
        if (end.finishReason !== 'aborted') observeSpeeds(active, decision.path, tokens, decodeS, firstTokenMs === null ? null : (firstTokenMs + started - decodeStarted) / 1000);
        await onEvent({
          type: 'done', path: decision.path, model: end.model, finishReason: end.finishReason,
          usage: { promptTokens: end.promptTokens, completionTokens: end.completionTokens },
          timings: { prefillMs: prefill?.prefillMs ?? 0, reusedTokens: prefill?.reusedTokens ?? 0, gateMs, firstTokenMs, totalMs: performance.now() - started, tokensPerSecond: tokens > 0 ? tokens / decodeS : null },
        });
      });
    } catch (error) {
      await onEvent({ type: 'error', error: toErrorPayload(error) });
    } finally {
      currentRoute = undefined;
    }
  }

  /** What this answer showed of the device's decode speed or the edge's first token and stream rate (live costs). */
  function observeSpeeds(active: Loaded, path: 'local' | 'edge', tokens: number, decodeS: number, firstTokenS: number | null): void {
    if (!active.live || firstTokenS === null) return;
    if (path === 'local') active.live.observeLocalDecode(tokens, decodeS);
    else active.live.observeEdge(firstTokenS, tokens, decodeS - firstTokenS);
  }

  const requireEngine = async (): Promise<LocalEngine> => {
    const { engine, noEngineReason } = await ready();
    if (!engine) throw new RouterError('engine_not_ready', `no local engine on this device: ${noEngineReason}`);
    return engine;
  };

  return {
    cancelLoad() {
      cancel.abort();
    },
    stopRoute() {
      currentRoute?.abort();
    },
    async init(config, onProgress) {
      if (!loaded) {
        cancel = new AbortController();
        loaded = load(config, (p: LoadProgress) => { void onProgress?.(p); });
      }
      try {
        return (await loaded).status;
      } catch (error) {
        loaded = undefined; // let the page retry after fixing the cause
        throw toErrorPayload(error);
      }
    },
    async initEngine(config, onProgress) {
      if (loaded) throw toErrorPayload(new RouterError('invalid_request', 'this worker already routes; start another one to represent prompts'));
      cancel = new AbortController();
      representing ??= loadLadder(config, (p: LoadProgress) => { void onProgress?.(p); }, 'represent');
      try {
        const { engine, capabilities, reason, started, fileNotice } = await representing;
        if (!engine) throw new RouterError('engine_not_ready', `no local engine on this device: ${reason}`);
        return { engine: engineInfo(engine), capabilities, loadMs: performance.now() - started, storageNotice: fileNotice };
      } catch (error) {
        representing = undefined;
        throw toErrorPayload(error);
      }
    },
    represent: (messages, options) => exclusive(async () => {
      const engine = (await representing)?.engine;
      if (!engine) throw new RouterError('engine_not_ready', 'call initEngine() before represent()');
      return representPrompt(engine, messages, options);
    }),
    route,
    generateLocal: (messages, maxTokens) => exclusive(async () => {
      // A worker started with initEngine (no gate) generates too: the bench measures engines that way.
      const engine = !loaded && representing ? (await representing).engine : await requireEngine();
      if (!engine) throw new RouterError('engine_not_ready', 'no local engine on this device');
      const prefill = await engine.prefill(messages);
      const t0 = performance.now();
      const { tokens, text } = await collectDecode(engine.decode({ maxTokens }));
      return { tokens, text, hiddenState: prefill.hiddenState, prefillMs: prefill.prefillMs, decodeMs: performance.now() - t0 };
    }),
    reportFellShort: (decisionId) => exclusive(async () => (await ready()).policy.label(String(decisionId), { kind: 'fell-short' })),
    async shadowCheck(request) {
      try {
        const active = await ready();
        if (!(request.shadowRate > 0 && request.shadowRate <= 1)) throw new RouterError('invalid_request', `shadowRate must be in (0, 1], not ${request.shadowRate}`);
        const judgement = await judgeAgainstEdge({
          endpoint: request.endpoint, messages: request.messages, localAnswer: request.localAnswer, maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
          router: { cost_weight: request.costWeight, risk_level: request.riskLevel, threshold: null }, ...(request.authorization ? { authorization: request.authorization } : {}),
        });
        const point = judgement.verdict === 'undecided' ? null
          : await active.policy.label(String(request.decisionId), { kind: 'shadow', edgeBetter: judgement.verdict === 'edge_better', rate: request.shadowRate });
        return { verdict: judgement.verdict, judgeModel: judgement.judge_model, edge: judgement.edge, point };
      } catch (error) {
        throw toErrorPayload(error);
      }
    },
    gateScore: (representation, costWeight) => exclusive(async () => (await ready()).gate.score(representation, costWeight)),
    counters: async () => (await requireEngine()).counters(),
  };
}
