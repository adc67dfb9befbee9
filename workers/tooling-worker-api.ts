/**
 * @module tooling-worker-api
 * Implements `ToolingWorkerApi`, the calls our own tools make in the router worker (never the
 * widget): the engine alone for `riskgate represent`, greedy generation for the golden and parity
 * checks and the benchmarks, the gate's score and the engine's counters.
 */
import { RouterError } from '../core/errors.js';
import type { ToolingWorkerApi } from '../core/protocol/tooling-api.js';
import type { LoadProgress } from '../core/protocol/worker-api.js';
import { collectDecode } from './engine/collect-decode.js';
import { engineInfo, representPrompt } from './gate/represent-prompt.js';
import { loadLadder } from './load/load-ladder.js';
import { loadedRouter, routerEngine, type WorkerSession } from './worker-session.js';

export function createToolingWorkerApi(session: WorkerSession): ToolingWorkerApi {
  const { exclusive } = session;
  return {
    async initEngine(config, onProgress) {
      if (session.loaded)
        throw new RouterError('invalid_request', 'this worker already routes; start another one to represent prompts');
      session.cancel = new AbortController();
      const report = (p: LoadProgress) => void onProgress?.(p);
      session.representing ??= loadLadder(session.deps, config, report, 'represent', session.cancel.signal);
      try {
        const { engine, capabilities, reason, started, fileNotice } = await session.representing;
        if (!engine) throw new RouterError('engine_not_ready', `no local engine on this device: ${reason}`);
        return {
          engine: engineInfo(engine),
          capabilities,
          loadMs: performance.now() - started,
          storageNotice: fileNotice,
        };
      } catch (error) {
        session.representing = undefined;
        throw error;
      }
    },
    represent: (messages, options) =>
      exclusive(async () => {
        const engine = (await session.representing)?.engine;
        if (!engine) throw new RouterError('engine_not_ready', 'call initEngine() before represent()');
        return representPrompt(engine, messages, options);
      }),
    generateLocal: (messages, maxTokens) =>
      exclusive(async () => {
        // A worker started with initEngine (no gate) generates too: the bench measures engines that way.
        const engine =
          !session.loaded && session.representing ? (await session.representing).engine : await routerEngine(session);
        if (!engine) throw new RouterError('engine_not_ready', 'no local engine on this device');
        const prefill = await engine.prefill(messages);
        const t0 = performance.now();
        const { tokens, text } = await collectDecode(engine.decode({ maxTokens }));
        const { hiddenState, prefillMs } = prefill;
        return { tokens, text, hiddenState, prefillMs, decodeMs: performance.now() - t0 };
      }),
    gateScore: (representation, costWeight) =>
      exclusive(async () => (await loadedRouter(session)).gate.score(representation, costWeight)),
    counters: async () => (await routerEngine(session)).counters(),
  };
}
