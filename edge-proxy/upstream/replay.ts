/**
 * @module upstream/replay
 * Record/replay: serves a model's real recorded answer for a prompt it knows, streamed at a
 * configurable latency profile (time to first token, tokens per second). An unknown prompt is a
 * clear `miss`, which sends the request down the failover ladder.
 */
import { readFileSync } from 'node:fs';
import { localPromptText } from '../../core/chat/conversation-text.js';
import type { Upstream, UpstreamRequest, UpstreamResult } from './upstream.js';
import { UpstreamError } from './upstream-error.js';

export type ReplayOptions = {
  readonly id: string;
  readonly recordingsPath: string;
  readonly recordedModel: string;
  readonly ttftMs: number;
  readonly tokensPerSecond: number;
};

type Recording = { prompt: string; model: string; response: string };

const normalize = (text: string) => text.trim().replace(/\s+/g, ' ');
const cache = new Map<string, Map<string, Map<string, string>>>();

function answersOf(path: string): Map<string, Map<string, string>> {
  let byModel = cache.get(path);
  if (!byModel) {
    byModel = new Map();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as Recording;
      if (!byModel.has(r.model)) byModel.set(r.model, new Map());
      byModel.get(r.model)!.set(normalize(r.prompt), r.response);
    }
    cache.set(path, byModel);
  }
  return byModel;
}

/** Splits an answer into streamable pieces: a word with its leading whitespace ≈ one token. */
export const replayPieces = (text: string): string[] => text.match(/\s*\S+/g) ?? [];

/** Waits `ms`, or less if aborted; its abort listener goes when it does (one per piece would pile up on the signal). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export function createReplayUpstream(options: ReplayOptions): Upstream {
  const answers = answersOf(options.recordingsPath).get(options.recordedModel) ?? new Map<string, string>();

  async function* generate(request: UpstreamRequest, signal: AbortSignal): AsyncGenerator<string, UpstreamResult> {
    const prompt = localPromptText(request.messages);
    const answer = answers.get(normalize(prompt));
    if (answer === undefined) throw new UpstreamError('miss', `${options.id} has no recording for this prompt`);
    const pieces = replayPieces(answer);
    const promptTokens = replayPieces(prompt).length;
    await sleep(options.ttftMs, signal);
    for (let i = 0; i < pieces.length; i++) {
      if (signal.aborted) throw new UpstreamError('aborted', 'client went away');
      if (request.maxTokens !== undefined && i >= request.maxTokens)
        return { finishReason: 'length', promptTokens, completionTokens: i };
      if (i > 0) await sleep(1000 / options.tokensPerSecond, signal);
      yield pieces[i]!;
    }
    return { finishReason: 'stop', promptTokens, completionTokens: pieces.length };
  }

  return {
    id: options.id,
    model: options.id,
    kind: 'replay',
    generate,
    knows: (messages) => answers.has(normalize(localPromptText(messages))),
  };
}
