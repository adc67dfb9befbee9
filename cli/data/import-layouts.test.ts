import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterError } from '../../core/errors.js';
import { usableRecords } from '../../core/data/usable-records.js';
import { loadRepresentation } from '../representations/representations.js';
import { detectFormat, loadRoutingData } from './load-routing-data.js';

// Data as it arrives (issue 15): each layout from a small fixture written here.
const dir = () => mkdtempSync(join(tmpdir(), 'riskgate-layout-'));
const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as RouterError;
  }
  return undefined;
};

describe('importers: RouterDC {question, scores} JSON', () => {
  it('reads scores as quality, keeps dataset as the source, drops and counts null scores', () => {
    const path = join(dir(), 'routerdc.json');
    writeFileSync(
      path,
      JSON.stringify([
        { question: 'What is 2+2?', scores: { 'mistral-7b': 1, 'gpt-4': 1 }, dataset: 'gsm8k' },
        { question: 'Name a prime.', scores: { 'mistral-7b': 0, 'gpt-4': null } },
      ]),
    );
    expect(detectFormat(path)).toBe('scores-json');
    const { records, droppedScores } = loadRoutingData(path);
    expect(records.map((r) => [r.source, r.prompt, r.outcomes])).toEqual([
      ['gsm8k', 'What is 2+2?', { 'mistral-7b': { quality: 1 }, 'gpt-4': { quality: 1 } }],
      ['routerdc', 'Name a prime.', { 'mistral-7b': { quality: 0 } }],
    ]);
    expect(droppedScores).toBe(1);
  });

  it('also reads the same rows as JSONL', () => {
    const path = join(dir(), 'routerdc.jsonl');
    writeFileSync(path, jsonl([{ question: 'Q1', scores: { a: 0.5, b: 1 } }]));
    expect(loadRoutingData(path)).toMatchObject({
      format: 'scores-json',
      records: [{ prompt: 'Q1', outcomes: { a: { quality: 0.5 } } }],
    });
  });
});

describe('importers: arena-style judgment folders', () => {
  it('reads question.jsonl + model_judgment/<model>.jsonl: score / 10, first turn only, bad scores dropped and counted', () => {
    const root = join(dir(), 'arena');
    mkdirSync(join(root, 'model_judgment'), { recursive: true });
    writeFileSync(
      join(root, 'question.jsonl'),
      jsonl([
        { question_id: 81, category: 'writing', turns: ['Write a haiku.', 'Now in French.'] },
        { question_id: 82, category: 'math', turns: ['What is 7*8?'] },
      ]),
    );
    writeFileSync(
      join(root, 'model_judgment', 'gpt-4.jsonl'),
      jsonl([
        { question_id: 81, score: 9, turn: 1 },
        { question_id: 81, score: 2, turn: 2 },
        { question_id: 82, score: 10, turn: 1 },
      ]),
    );
    writeFileSync(
      join(root, 'model_judgment', 'llama-13b.jsonl'),
      jsonl([
        { question_id: 81, score: 6, turn: 1 },
        { question_id: 82, score: -1, turn: 1 },
        { question_id: 82, score: null },
      ]),
    );
    expect(detectFormat(root)).toBe('arena-folder');
    const { records, droppedScores } = loadRoutingData(root);
    expect(records.map((r) => [r.source, r.prompt, r.outcomes])).toEqual([
      ['writing', 'Write a haiku.', { 'gpt-4': { quality: 0.9 }, 'llama-13b': { quality: 0.6 } }],
      ['math', 'What is 7*8?', { 'gpt-4': { quality: 1 } }],
    ]);
    expect(droppedScores).toBe(2);
  });
});

describe('importers: clear errors, no duplicates, nothing cached for nothing', () => {
  it('refuses unknown layouts with invalid_request naming what it expected (no CsvError, no ENOENT)', () => {
    const root = dir();
    const cases: [string, RegExp][] = [
      [
        (() => {
          const d = join(root, 'empty');
          mkdirSync(d);
          return d;
        })(),
        /not a known folder layout/,
      ],
      [
        (() => {
          const p = join(root, 'other.json');
          writeFileSync(p, '{"rows": []}');
          return p;
        })(),
        /a JSON file must be an array of \{"question"/,
      ],
      [
        (() => {
          const p = join(root, 'bin.csv');
          writeFileSync(p, '"unterminated,\n');
          return p;
        })(),
        /neither JSON nor a readable CSV/,
      ],
      [join(root, 'missing.jsonl'), /no such file or folder/],
    ];
    for (const [path, message] of cases) {
      const error = refusal(() => loadRoutingData(path));
      expect(error, path).toBeInstanceOf(RouterError);
      expect(error!.code).toBe('invalid_request');
      expect(error!.message).toMatch(message);
    }
  });

  it('keeps one record per prompt and counts what it removed (copies that disagree are dropped)', () => {
    const path = join(dir(), 'data.jsonl');
    writeFileSync(
      path,
      jsonl([
        { id: '1', prompt: 'Same', outcomes: { a: { quality: 1 } } },
        { id: '2', prompt: 'Same', outcomes: { a: { quality: 1 } } },
        { id: '3', prompt: 'Torn', outcomes: { a: { quality: 1 } } },
        { id: '4', prompt: 'Torn', outcomes: { a: { quality: 0 } } },
        { id: '5', prompt: 'Alone', outcomes: { a: { quality: 0 } } },
      ]),
    );
    const loaded = loadRoutingData(path);
    expect(loaded.records.map((r) => r.id)).toEqual(['1', '5']);
    expect({ duplicates: loaded.duplicates, conflicting: loaded.conflicting }).toEqual({
      duplicates: 2,
      conflicting: 1,
    });
  });

  it('roles that match no record are an invalid_request listing the models the data has', () => {
    const records = [
      { id: '1', source: 's', prompt: 'p', outcomes: { 'gpt-4': { quality: 1 }, mixtral: { quality: 0 } } },
    ];
    const error = refusal(() => usableRecords(records, { local: 'llama', edge: ['claude'] }));
    expect(error?.code).toBe('invalid_request');
    expect(error?.message).toContain("the data's models are: gpt-4, mixtral");
    expect(usableRecords(records, { local: 'mixtral', edge: ['gpt-4'] })).toHaveLength(1);
  });

  it('computes no representation (and writes no cache file) for an empty set', async () => {
    await expect(loadRepresentation('lexical', [])).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
