import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RouterError } from '../../core/errors.js';
import { SHARED_DIR } from '../../node/paths.js';
import { detectFormat, loadRoutingData } from './load-routing-data.js';

const data = (p: string) => resolve(SHARED_DIR, 'data', p);
const accuracy = (records: { outcomes: Record<string, { quality: number }> }[], model: string) => {
  const labelled = records.filter((r) => r.outcomes[model]);
  return labelled.reduce((s, r) => s + r.outcomes[model]!.quality, 0) / labelled.length;
};

describe('routing data: detection by columns and import', () => {
  it('reads RouterBench mbpp: 299 prompts, 11 models with USD cost and response, accuracies as published', () => {
    const { format, records } = loadRoutingData(data('routerbench/mbpp_train.csv'));
    expect(format).toBe('routerbench-csv');
    expect(records).toHaveLength(299);
    expect(Object.keys(records[0]!.outcomes)).toHaveLength(11);
    expect(accuracy(records, 'gpt-4-1106-preview')).toBeCloseTo(0.686, 3);
    expect(records[0]!.outcomes['gpt-4-1106-preview']!.cost_usd).toBeGreaterThan(0);
    expect(records[0]!.prompt.startsWith('[')).toBe(false); // the list literal was unwrapped
  });

  it('drops arc’s 2-element rows and treats an empty label as missing, not wrong', () => {
    const { records } = loadRoutingData(data('routerbench/arc_challenge_train.csv'));
    expect(records).toHaveLength(1031);
    expect(new Set(records.map((r) => r.id)).size).toBe(1031);
    // gpt-3.5 is labelled on 1,027 rows, 8 of them the dropped 2-element rows; 12 others lack it.
    expect(records.filter((r) => r.outcomes['gpt-3.5-turbo-1106'])).toHaveLength(1019);
    expect(accuracy(records, 'gpt-4-1106-preview')).toBeCloseTo(0.953, 3);
  });

  it('reads a RouteLLM response file and a RouteLLM folder', () => {
    const gsm8k = loadRoutingData(data('routellm/gsm8k/gsm8k_responses.csv'));
    expect(gsm8k.format).toBe('routellm-csv');
    expect(gsm8k.records).toHaveLength(1319);
    expect(accuracy(gsm8k.records, 'gpt-4-1106-preview')).toBeCloseTo(0.8567, 4);
    expect(detectFormat(data(''))).toBe('routellm-folder');
  });

  it('reads MT-Bench as one record per turn with score/10 quality and the answers quoted by the judge', () => {
    const mt = loadRoutingData(data('routellm/mt_bench'));
    expect(mt.format).toBe('mt-bench-folder');
    expect(mt.records).toHaveLength(160);
    const turn = (t: 1 | 2) => mt.records.filter((r) => r.id.endsWith(`/${t}`));
    // The data README: GPT-4-1106 9.406 / 9.050 and Mixtral 8.694 / 7.988 per turn, over 80 judgements each.
    expect(accuracy(turn(1), 'gpt-4-1106-preview')).toBeCloseTo(0.9406, 3);
    expect(accuracy(turn(2), 'mistralai/Mixtral-8x7B-Instruct-v0.1')).toBeCloseTo(0.7988, 3);
    expect(mt.records.every((r) => Object.values(r.outcomes).every((o) => (o.response ?? '').length > 0))).toBe(true);
    expect(mt.records.find((r) => r.id === 'mt_bench/81/2')!.prompt).toBe(
      'Rewrite your previous response. Start every sentence with the letter A.',
    );
  });

  it('round-trips the routing JSONL and rejects an unknown file with a clear code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-data-'));
    const jsonl = join(dir, 'd.jsonl');
    writeFileSync(
      jsonl,
      `${JSON.stringify({ id: 'a', messages: [{ role: 'user', content: 'hi' }], outcomes: { m: { quality: 1 } } })}\n`,
    );
    expect(loadRoutingData(jsonl).records).toEqual([
      { id: 'a', source: 'jsonl', prompt: 'hi', outcomes: { m: { quality: 1 } } },
    ]);
    const csv = join(dir, 'x.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    expect(() => loadRoutingData(csv)).toThrowError(RouterError);
  });
});
