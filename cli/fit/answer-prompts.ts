/**
 * @module cli/fit/answer-prompts
 * The heart of `riskgate fit`: each prompt is answered the way the widget answers it, by the
 * product's own engine (the `OnnxCausalLm` the worker runs; e2e/representation-parity.spec.ts
 * holds Node and the browser to the same hidden state within 1e-4):
 * - the history window of the widget (`fitHistory`, the context length, room for `maxTokens`): a
 *   prompt that does not fit is deferred without gating, as the worker does (decide.ts), and is
 *   not a gate label;
 * - ONE prefill gives both the representation (the final hidden state at the last prompt token,
 *   or the logit sketch for a GGUF model) and the KV cache the local answer is decoded from
 *   (greedy, up to `maxTokens`);
 * - the edge's answer: asked of a proxy (the real selector), or the prompt's recorded one;
 * - both graded by the prompt's grader against its gold answer.
 * Results are cached per prompt (JSONL, appended as they come), so a run can be stopped and resumed.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { Presets, SingleBar } from 'cli-progress';
import OpenAI from 'openai';
import { fitHistory } from '../../core/routing/history-window.js';
import { GRADERS, type Grade } from '../../core/grading/graders.js';
import type { LocalEngine, Prefill } from '../../core/protocol/local-engine.js';
import { collectDecode } from '../../workers/engine/collect-decode.js';
import type { FitPrompt } from './fit-prompts.js';

export type AnsweredPrompt = {
  readonly key: string;
  readonly id: string;
  readonly task: string;
  /** The widget defers it without gating: it does not fit the local window with room for the answer. */
  readonly contextDeferred: boolean;
  readonly promptTokens: number;
  readonly representation?: string; // base64 float32
  readonly local?: {
    readonly text: string;
    readonly tokens: number;
    readonly grade: Grade;
    readonly prefillMs: number;
    readonly decodeMs: number;
  };
  readonly edge?: {
    readonly model: string;
    readonly grade: Grade;
    readonly text?: string;
    readonly costUsd?: number;
    readonly outputTokens?: number;
  };
};

export type AnswerOptions = {
  readonly engine: LocalEngine;
  /** The vector the gate reads from a prefill (the worker's own reader: the hidden state, or the logit sketch). */
  readonly represent: (prefill: Prefill) => Float32Array;
  readonly modelSha256: string;
  /** Names what `represent` computes (a cached answer whose representation was read otherwise is answered again). */
  readonly representationId: string;
  readonly maxTokens: number;
  /** An OpenAI-compatible proxy to ask for the edge's answer; absent: the prompt's recorded one. */
  readonly edgeUrl?: string;
  readonly cachePath: string;
  readonly log: (line: string) => void;
};

const encode = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
export const decodeRepresentation = (b64: string) =>
  new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);

function gradeWith(prompt: FitPrompt, answer: string): Grade {
  return prompt.grader ? GRADERS[prompt.grader](answer, prompt.gold) : 'unknown';
}

export async function answerPrompts(prompts: readonly FitPrompt[], options: AnswerOptions): Promise<AnsweredPrompt[]> {
  const { engine, maxTokens } = options;
  const keyOf = (p: FitPrompt) =>
    createHash('sha256')
      .update(
        JSON.stringify([
          options.modelSha256,
          options.representationId,
          maxTokens,
          options.edgeUrl ?? 'recorded',
          p.messages,
          p.gold,
          p.grader,
          p.edge,
        ]),
      )
      .digest('hex');
  const cached = new Map<string, AnsweredPrompt>();
  if (existsSync(options.cachePath)) {
    for (const line of readFileSync(options.cachePath, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const a = JSON.parse(line) as AnsweredPrompt;
        cached.set(a.key, a);
      } catch {
        /* a line cut by an interrupted run: answered again */
      }
    }
  }
  mkdirSync(dirname(options.cachePath), { recursive: true });
  const edge = options.edgeUrl
    ? new OpenAI({ baseURL: `${options.edgeUrl.replace(/\/$/, '')}/v1`, apiKey: 'riskgate-fit', maxRetries: 2 })
    : undefined;
  const todo = prompts.filter((p) => !cached.has(keyOf(p)));
  options.log(`fit: ${prompts.length} prompts, ${prompts.length - todo.length} cached, ${todo.length} to answer`);
  const bar =
    process.stdout.isTTY && todo.length > 0
      ? new SingleBar({ format: 'fit [{bar}] {value}/{total} prompts | ETA {eta_formatted}' }, Presets.shades_classic)
      : undefined;
  bar?.start(todo.length, 0);
  let done = 0;
  const started = Date.now();
  for (const prompt of todo) {
    const answered = await answerOne(prompt, keyOf(prompt), engine, options.represent, maxTokens, edge);
    appendFileSync(options.cachePath, `${JSON.stringify(answered)}\n`);
    cached.set(answered.key, answered);
    done++;
    bar?.update(done);
    if (!bar && (done % 50 === 0 || done === todo.length)) {
      const eta = (((Date.now() - started) / done) * (todo.length - done)) / 1000;
      options.log(`fit: answered ${done}/${todo.length} (ETA ${eta.toFixed(0)} s)`);
    }
  }
  bar?.stop();
  return prompts.map((p) => cached.get(keyOf(p))!);
}

async function answerOne(
  prompt: FitPrompt,
  key: string,
  engine: LocalEngine,
  represent: AnswerOptions['represent'],
  maxTokens: number,
  edge: OpenAI | undefined,
): Promise<AnsweredPrompt> {
  const window = await fitHistory(prompt.messages, (m) => engine.countTokens(m), engine.info.contextLength, maxTokens);
  const base = { key, id: prompt.id, task: prompt.task, promptTokens: window.promptTokens };
  const edgeAnswer = await edgeOutcome(prompt, edge, maxTokens);
  if (!window.fits) return { ...base, contextDeferred: true, edge: edgeAnswer };
  engine.reset(); // every prompt is a new conversation: no KV reuse from the one before
  const prefill = await engine.prefill(window.messages);
  const decodeStarted = performance.now();
  const decoded = await collectDecode(engine.decode({ maxTokens }));
  const decodeMs = performance.now() - decodeStarted;
  return {
    ...base,
    contextDeferred: false,
    promptTokens: prefill.tokenCount,
    representation: encode(represent(prefill)),
    local: {
      text: decoded.text,
      tokens: decoded.tokens.length,
      grade: gradeWith(prompt, decoded.text),
      prefillMs: prefill.prefillMs,
      decodeMs,
    },
    edge: edgeAnswer,
  };
}

async function edgeOutcome(
  prompt: FitPrompt,
  edge: OpenAI | undefined,
  maxTokens: number,
): Promise<AnsweredPrompt['edge']> {
  if (edge) {
    const reply = await edge.chat.completions
      .create({ model: 'auto', messages: prompt.messages, max_tokens: Math.max(maxTokens, 256) })
      .withResponse();
    const text = reply.data.choices[0]?.message.content ?? '';
    const model = reply.response.headers.get('x-router-served-by') ?? reply.data.model;
    return { model, grade: gradeWith(prompt, text), text, outputTokens: reply.data.usage?.completion_tokens ?? 0 };
  }
  const recorded = prompt.edge;
  if (!recorded) return undefined;
  const grade: Grade =
    recorded.response !== undefined
      ? gradeWith(prompt, recorded.response)
      : recorded.quality === undefined
        ? 'unknown'
        : recorded.quality >= 0.5
          ? 'correct'
          : 'wrong';
  return { model: recorded.model, grade, ...(recorded.cost_usd !== undefined ? { costUsd: recorded.cost_usd } : {}) };
}
