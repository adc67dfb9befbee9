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
  Decision, RouteEvent, RouteRequest, RouterWorkerApi, ThresholdsSource, WorkerConfig, WorkerStatus,
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
import { idbStore, loadThresholds, type KeyValueStore } from './threshold-cache.js';

type Loaded = { engine: LocalEngine; gate: MarginGate; readRepresentation: RepresentationReader; thresholds: ThresholdsFile; thresholdsSource: ThresholdsSource; status: WorkerStatus };

const DEFAULT_MAX_TOKENS = 96;

export function createRouterWorkerApi(ort: OrtRuntime, store: KeyValueStore = idbStore): RouterWorkerApi {
  const exclusive = createSingleFlight();
  let loaded: Promise<Loaded> | undefined;

  const ready = async (): Promise<Loaded> => {
    if (!loaded) throw new RouterError('engine_not_ready', 'call init() before routing');
    return loaded;
  };

  async function load(config: WorkerConfig): Promise<Loaded> {
    const started = performance.now();
    const backend = config.backend ?? 'wasm';
    const manifest = await fetchManifest(config.modelsUrl);
    const at = (path: string) => new URL(path, config.modelsUrl).href;
    const [model, tokenizerBytes, gateFile] = await Promise.all([
      fetchVerified(at(manifest.local_model.onnx), manifest.local_model.sha256),
      fetchBytes(at(manifest.local_model.tokenizer)),
      fetchVerified(at(manifest.gate.onnx), manifest.gate.sha256),
    ]);
    const engine = await OnnxCausalLm.create(ort, model.bytes, parseTok512(tokenizerBytes), {
      modelId: manifest.local_model.id, backend, contextLength: manifest.local_model.context_length, executionProviders: [backend],
    });
    const gate = await createOnnxMarginGate(ort, gateFile.bytes);
    const { file: thresholds, source } = await loadThresholds(gateFile.sha256, at(manifest.thresholds.json), store);
    const representation = thresholds.representation;
    if (representation.modelSha256 !== manifest.local_model.source_sha256 || representation.dim !== gate.dim) {
      throw new RouterError('artifact_mismatch', `the gate reads ${representation.modelId} (${representation.dim}-d) but the local model is ${engine.info.model} (${engine.info.hiddenSize}-d)`);
    }
    const readRepresentation = createRepresentationReader(representation);
    const status: WorkerStatus = {
      engine: engine.info, gateSha256: gateFile.sha256, thresholdsSource: source, grid: operatingGrid(thresholds), loadMs: performance.now() - started,
    };
    return { engine, gate, readRepresentation, thresholds, thresholdsSource: source, status };
  }

  async function route(request: RouteRequest, onEvent: (event: RouteEvent) => void | Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await exclusive(async () => {
        const { engine, gate, readRepresentation, thresholds, thresholdsSource } = await ready();
        if (request.messages.length === 0) throw new RouterError('invalid_request', 'messages must not be empty');
        const prefill = await engine.prefill(request.messages);
        const gateStarted = performance.now();
        const representation = readRepresentation(prefill);
        const score = await gate.score(representation, request.costWeight);
        const gateMs = performance.now() - gateStarted;
        const { threshold } = lookupThreshold(thresholds, { costWeight: request.costWeight, riskLevel: request.riskLevel });
        const path = request.mode === 'auto' ? (score >= threshold ? 'local' : 'edge') : request.mode;
        const decision: Decision = {
          path, mode: request.mode, score, threshold, costWeight: request.costWeight, riskLevel: request.riskLevel,
          model: path === 'local' ? engine.info.model : 'edge', thresholdsSource,
          engine: { kind: engine.info.kind, backend: engine.info.backend, model: engine.info.model },
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
          return { prefillMs: prefill.prefillMs, gateMs, firstTokenMs, totalMs: performance.now() - started, tokensPerSecond: completionTokens > 0 ? completionTokens / decodeS : null };
        };
        if (path === 'local') {
          const stream = engine.decode({ maxTokens, ...(request.temperature !== undefined ? { temperature: request.temperature } : {}), ...(request.seed !== undefined ? { seed: request.seed } : {}) });
          for (;;) {
            const step = await stream.next();
            if (step.done) {
              await onEvent({ type: 'done', path, model: engine.info.model, finishReason: step.value, usage: { promptTokens: prefill.tokenCount, completionTokens }, timings: timings() });
              return;
            }
            await emit(step.value.text);
          }
        }
        engine.reset(); // the edge answers; this prefill's cache is not continued
        const edge = streamFromEdge({
          endpoint: request.endpoint, messages: request.messages, maxTokens,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.seed !== undefined ? { seed: request.seed } : {}),
          router: { cost_weight: request.costWeight, risk_level: request.riskLevel, score, threshold: Number.isFinite(threshold) ? threshold : null, representation: encodeRepresentation(representation) },
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
    async init(config) {
      loaded ??= load(config);
      try {
        return (await loaded).status;
      } catch (error) {
        loaded = undefined; // let the page retry after fixing the cause
        throw toErrorPayload(error);
      }
    },
    route,
    generateLocal: (messages, maxTokens) => exclusive(async () => {
      const { engine } = await ready();
      const prefill = await engine.prefill(messages);
      const t0 = performance.now();
      const { tokens, text } = await collectDecode(engine.decode({ maxTokens }));
      return { tokens, text, hiddenState: prefill.hiddenState, prefillMs: prefill.prefillMs, decodeMs: performance.now() - t0 };
    }),
    gateScore: (representation, costWeight) => exclusive(async () => (await ready()).gate.score(representation, costWeight)),
    counters: async () => (await ready()).engine.counters(),
  };
}
