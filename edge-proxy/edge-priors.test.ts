import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../node/paths.js';
import { defaultModels, TINYLLAMA_AT_EDGE } from './config.js';

// Issue 23: the selector's prior for TinyLlama at the edge is what its own fit measured, not a guess.
describe("the edge's TinyLlama prior", () => {
  const report = JSON.parse(
    readFileSync(resolve(REPO_ROOT, 'docs/results/fit/tinyllama-1.1b-chat/report.json'), 'utf8'),
  ) as {
    model: string;
    tasks: Record<string, { graded: number; localAccuracy: number }>;
  };

  it('is its share of correct answers over the graded prompts of its committed fit', () => {
    const tasks = Object.values(report.tasks);
    const graded = tasks.reduce((s, t) => s + t.graded, 0);
    const correct = tasks.reduce((s, t) => s + Math.round(t.localAccuracy * t.graded), 0);
    expect(graded).toBeGreaterThan(100);
    expect(TINYLLAMA_AT_EDGE.measuredQuality).toBeCloseTo(correct / graded, 3);
    expect(report.model).toContain('tinyllama');
  });

  it('is the one the default config gives the gguf model when TinyLlama is fetched', () => {
    const gguf = defaultModels('recordings.jsonl', '/models/tinyllama/model.gguf').find((m) => m.kind === 'gguf');
    expect(gguf).toMatchObject({ id: TINYLLAMA_AT_EDGE.id, prior_quality: TINYLLAMA_AT_EDGE.measuredQuality });
  });

  it('has the speed the committed GGUF bench measured natively with 2 threads', () => {
    const bench = JSON.parse(readFileSync(resolve(REPO_ROOT, 'docs/bench/gguf.json'), 'utf8')) as {
      rows: { engine: string; threads: number; first_token_ms_median: number; decode_tokens_per_s: number }[];
    };
    const native = bench.rows.find((r) => r.engine.startsWith('native') && r.threads === 2)!;
    expect(TINYLLAMA_AT_EDGE.measuredFirstTokenMs).toBe(native.first_token_ms_median);
    expect(TINYLLAMA_AT_EDGE.measuredTokensPerS).toBeCloseTo(native.decode_tokens_per_s, 1);
  });
});
