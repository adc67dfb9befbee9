/**
 * @module router-worker-api
 * Implements `RouterWorkerApi`: one prefill per prompt → hidden state → margin gate → τ(λ, α)
 * → decode locally from the same KV cache, or stream from the edge proxy. All engine and gate
 * work goes through one single-flight queue. The runtime (onnxruntime-web) is injected so the
 * same API runs in Node tests.
 */
import { RouterError, toErrorPayload } from '../core/errors.js';
import { lookupThreshold, operatingGrid, type ThresholdsFile } from '../core/calibration/threshold-table.js';
import type { LocalEngine } from '../core/protocol/local-engine.js';
import type { MarginGate } from '../core/protocol/margin-gate.js';
import type {
  Decision, LoadProgress, RouteEvent, RouteRequest, RouterWorkerApi, ThresholdsSource, WorkerConfig, WorkerStatus,
} from '../core/protocol/worker-api.js';
import { parseTok512 } from '../core/tokenizer/tok512.js';
import { collectDecode } from './engine/collect-decode.js';
import { OnnxCausalLm, type OrtRuntime } from './engine/onnx-causal-lm.js';
import { createOnnxMarginGate } from './gate/onnx-margin-gate.js';
import { createRepresentationReader, type RepresentationReader } from './gate/representation-reader.js';
import { encodeRepresentation } from '../core/protocol/representation-wire.js';
import { fetchBytes, fetchManifest, fetchVerified } from './artifacts.js';
import { streamFromEdge } from './edge-client.js';
import { createSingleFlight } from './single-flight.js';
import { fetchModelsConfig, loadWebLlmRung, type WebLlmRung } from './engine/webllm-rung.js';
import { probePlatform } from './capability-probe.js';
import { isThreadsPreference, ladderFor, UNMEASURED_RUNTIME, wasmThreadsFor, type Capabilities, type MeasuredRuntime, type Rung } from '../core/protocol/capabilities.js';
import { idbStore, loadThresholds, type KeyValueStore } from './threshold-cache.js';

type Loaded = { engine: LocalEngine | undefined; gate: MarginGate; readRepresentation: RepresentationReader; thresholds: ThresholdsFile; thresholdsSource: ThresholdsSource; status: WorkerStatus };

const DEFAULT_MAX_TOKENS = 96;

export function createRouterWorkerApi(ort: OrtRuntime, store: KeyValueStore = idbStore): RouterWorkerApi {
  const exclusive = createSingleFlight();
  let loaded: Promise<Loaded> | undefined;

  const ready = async (): Promise<Loaded> => {
    if (!loaded) throw new RouterError('engine_not_ready', 'call init() before routing');
    return loaded;
  };

  let cancel = new AbortController();
  let appliedThreads: { threads: number; reason: string } | undefined;

  async function load(config: WorkerConfig, onProgress: (p: LoadProgress) => void): Promise<Loaded> {
    const started = performance.now();
    const { signal } = cancel;
    // Byte progress per artifact, at most every 64 KB (each report is a message to the page).
    const bytesOf = (stage: LoadProgress['stage'], name: string) => {
      let reported = -Infinity;
      return (loaded: number, total: number | null) => {
        if (loaded - reported < 65_536 && loaded !== total) return;
        reported = loaded;
        onProgress({ stage, loaded, total, text: `downloading ${name}: ${Math.round(loaded / 1024)}${total ? ` / ${Math.round(total / 1024)}` : ''} KB` });
      };
    };
    if (config.threads !== undefined && !isThreadsPreference(config.threads)) {
      throw new RouterError('invalid_request', `threads must be 'auto' or a whole number from 1 to 64, not ${JSON.stringify(config.threads)}`);
    }
    const probe = await probePlatform();
    const manifest = await fetchManifest(config.modelsUrl, signal);
    onProgress({ stage: 'manifest', loaded: 1, total: 1, text: 'manifest read' });
    const at = (path: string) => new URL(path, config.modelsUrl).href;
    const runtime = manifest.local_model.runtime;
    const measured: MeasuredRuntime = runtime ? { backend: runtime.backend, wasmThreads: runtime.wasm_threads } : UNMEASURED_RUNTIME;
    // ORT reads numThreads when its WASM module starts (the first session, the gate's below); a
    // later init in the same worker keeps the count the first one set.
    const threads = wasmThreadsFor(probe, config.threads ?? 'auto', measured);
    if (ort.env && appliedThreads === undefined) ort.env.wasm.numThreads = threads.threads;
    appliedThreads ??= threads;
    // The gate and its thresholds serve every rung (the picker needs the grid even edge-only);
    // a mismatch among them is a deployment error and is reported, never stepped around.
    const gateFile = await fetchVerified(at(manifest.gate.onnx), manifest.gate.sha256, bytesOf('gate', 'gate'), signal);
    const gate = await createOnnxMarginGate(ort, gateFile.bytes);
    const { file: thresholds, source, storageNotice } = await loadThresholds(gateFile.sha256, at(manifest.thresholds.json), store);
    onProgress({ stage: 'thresholds', loaded: 1, total: 1, text: `thresholds from ${source}` });
    const representation = thresholds.representation;
    if (representation.modelSha256 !== manifest.local_model.source_sha256 || representation.dim !== gate.dim) {
      throw new RouterError('artifact_mismatch', `the gate reads ${representation.modelId} (${representation.dim}-d) but the local model is ${manifest.local_model.id}`);
    }
    let readRepresentation = createRepresentationReader(representation);
    const models = await fetchModelsConfig(config.modelsUrl, signal);
    // The engine walks the fallback ladder: a rung that fails to load hands over to the next.
    const { order, skipped } = ladderFor(probe, config.backend ?? 'auto', models.webllm !== undefined, measured);
    const tried = [...skipped];
    let engine: LocalEngine | undefined;
    let webllm: WebLlmRung | undefined;
    let rung: Rung = 'edge-only';
    // The ONNX model's bytes are fetched once, whichever ONNX rung uses them.
    let onnxBytes: Promise<[{ bytes: Uint8Array }, Uint8Array]> | undefined;
    const loadOnnx = async (backend: 'webgpu' | 'wasm'): Promise<LocalEngine> => {
      onnxBytes ??= Promise.all([
        fetchVerified(at(manifest.local_model.onnx), manifest.local_model.sha256, bytesOf('model', manifest.local_model.id), signal),
        fetchBytes(at(manifest.local_model.tokenizer), bytesOf('tokenizer', 'tokenizer'), signal),
      ]);
      const [model, tokenizerBytes] = await onnxBytes;
      onProgress({ stage: 'compile', loaded: 0, total: null, text: `preparing ${manifest.local_model.id} on ${backend}` });
      return OnnxCausalLm.create(ort, model.bytes, parseTok512(tokenizerBytes), {
        modelId: manifest.local_model.id, backend, contextLength: manifest.local_model.context_length, executionProviders: [backend],
      });
    };
    for (const candidate of order) {
      if (candidate === 'edge-only') continue;
      try {
        if (candidate === 'webllm-webgpu') {
          webllm = await loadWebLlmRung(ort, models.webllm!, config.modelsUrl, probe, store, onProgress, signal);
          engine = webllm.engine;
          readRepresentation = webllm.readRepresentation;
        } else {
          engine = await loadOnnx(candidate === 'onnx-webgpu' ? 'webgpu' : 'wasm');
        }
        rung = candidate;
        break;
      } catch (error) {
        const { code, message } = toErrorPayload(error);
        if (code === 'aborted') throw error; // a cancelled load is not a broken rung
        tried.push({ rung: candidate, reason: `${code}: ${message}` });
      }
    }
    // The ONNX model was checked against the gate by sha256; this checks that it gives what the
    // gate reads (a model without hidden_states only has logits). A deployment error: reported.
    if (engine && !webllm) readRepresentation = createRepresentationReader(representation, engine.info);
    // Rungs that were tried and failed (not the ones the probe ruled out up front) explain a fallback.
    const failed = tried.slice(skipped.length).map((t) => `${t.rung}: ${t.reason}`).join('; ');
    const reason = rung === 'edge-only'
      ? `no local engine could load (${failed || 'none configured'})`
      : failed
        ? `fell back: ${failed}`
        : rung === 'webllm-webgpu' ? `WebLLM model configured (${webllm!.engine.info.representationNote})` : config.backend === 'webgpu' ? 'WebGPU requested' : config.backend === 'wasm' ? 'WASM requested' : `measured default for this model (${runtime?.measured ?? 'decision 003'})`;
    const capabilities: Capabilities = Object.freeze({ ...probe, rung, reason, skipped: Object.freeze(tried), wasmThreads: appliedThreads.threads, wasmThreadsReason: appliedThreads.reason });
    onProgress({ stage: 'ready', loaded: 1, total: 1, text: `ready: ${rung}` });
    const active = webllm ?? { gate, gateSha256: gateFile.sha256, thresholds, source, storageNotice };
    const status: WorkerStatus = {
      engine: engine?.info ?? null, capabilities, storageNotice: active.storageNotice, gateSha256: active.gateSha256, thresholdsSource: active.source,
      grid: operatingGrid(active.thresholds), loadMs: performance.now() - started,
    };
    return { engine, gate: active.gate, readRepresentation, thresholds: active.thresholds, thresholdsSource: active.source, status };
  }

  const requireEngine = async (): Promise<LocalEngine> => {
    const { engine, status } = await ready();
    if (!engine) throw new RouterError('engine_not_ready', `no local engine on this device: ${status.capabilities.reason}`);
    return engine;
  };

  async function route(request: RouteRequest, onEvent: (event: RouteEvent) => void | Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await exclusive(async () => {
        const { engine, gate, readRepresentation, thresholds, thresholdsSource } = await ready();
        if (request.messages.length === 0) throw new RouterError('invalid_request', 'messages must not be empty');
        if (!engine && request.mode === 'local') await requireEngine();
        // Edge-only rung: no prefill and no gate; every prompt defers.
        const prefill = engine ? await engine.prefill(request.messages) : undefined;
        const gateStarted = performance.now();
        const representation = prefill ? readRepresentation(prefill) : undefined;
        const score = representation ? await gate.score(representation, request.costWeight) : NaN;
        const gateMs = performance.now() - gateStarted;
        const { threshold } = lookupThreshold(thresholds, { costWeight: request.costWeight, riskLevel: request.riskLevel });
        const path = !engine ? 'edge' : request.mode === 'auto' ? (score >= threshold ? 'local' : 'edge') : request.mode;
        const decision: Decision = {
          path, mode: request.mode, score, threshold, costWeight: request.costWeight, riskLevel: request.riskLevel,
          model: path === 'local' && engine ? engine.info.model : 'edge', thresholdsSource,
          engine: engine ? { kind: engine.info.kind, backend: engine.info.backend, model: engine.info.model } : null,
        };
        await onEvent({ type: 'decision', decision });
        const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
        let firstTokenMs: number | null = null;
        let completionTokens = 0;
        // Awaiting each event keeps order across comlink's callback port and gives backpressure.
        const emit = async (text: string) => {
          firstTokenMs ??= performance.now() - started;
          completionTokens++;
          await onEvent({ type: 'token', text });
        };
        const decodeStarted = performance.now();
        const timings = () => {
          const decodeS = (performance.now() - decodeStarted) / 1000;
          return { prefillMs: prefill?.prefillMs ?? 0, reusedTokens: prefill?.reusedTokens ?? 0, gateMs, firstTokenMs, totalMs: performance.now() - started, tokensPerSecond: completionTokens > 0 ? completionTokens / decodeS : null };
        };
        if (path === 'local' && engine) {
          const stream = engine.decode({ maxTokens, ...(request.temperature !== undefined ? { temperature: request.temperature } : {}), ...(request.seed !== undefined ? { seed: request.seed } : {}) });
          for (;;) {
            const step = await stream.next();
            if (step.done) {
              await onEvent({ type: 'done', path, model: engine.info.model, finishReason: step.value, usage: { promptTokens: prefill?.tokenCount ?? 0, completionTokens }, timings: timings() });
              return;
            }
            await emit(step.value.text);
          }
        }
        // The edge answers; the cache keeps this prompt, so the next turn prefills only the edge's reply and what follows.
        const edge = streamFromEdge({
          endpoint: request.endpoint, messages: request.messages, maxTokens,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.seed !== undefined ? { seed: request.seed } : {}),
          router: { cost_weight: request.costWeight, risk_level: request.riskLevel, ...(Number.isFinite(score) ? { score } : {}), threshold: Number.isFinite(threshold) ? threshold : null, ...(representation ? { representation: encodeRepresentation(representation), representation_model: thresholds.representation.modelId } : {}) },
        });
        for (;;) {
          const step = await edge.next();
          if (step.done) {
            const r = step.value;
            await onEvent({ type: 'done', path, model: r.model, finishReason: r.finishReason === 'length' ? 'length' : 'stop', usage: { promptTokens: r.promptTokens, completionTokens: r.completionTokens || completionTokens }, timings: timings() });
            return;
          }
          await emit(step.value);
        }
      });
    } catch (error) {
      await onEvent({ type: 'error', error: toErrorPayload(error) });
    }
  }

  return {
    cancelLoad() {
      cancel.abort();
    },
    async init(config, onProgress) {
      if (!loaded) {
        cancel = new AbortController();
        loaded = load(config, (p) => { void onProgress?.(p); });
      }
      try {
        return (await loaded).status;
      } catch (error) {
        loaded = undefined; // let the page retry after fixing the cause
        throw toErrorPayload(error);
      }
    },
    route,
    generateLocal: (messages, maxTokens) => exclusive(async () => {
      const engine = await requireEngine();
      const prefill = await engine.prefill(messages);
      const t0 = performance.now();
      const { tokens, text } = await collectDecode(engine.decode({ maxTokens }));
      return { tokens, text, hiddenState: prefill.hiddenState, prefillMs: prefill.prefillMs, decodeMs: performance.now() - t0 };
    }),
    gateScore: (representation, costWeight) => exclusive(async () => (await ready()).gate.score(representation, costWeight)),
    counters: async () => (await requireEngine()).counters(),
  };
}
