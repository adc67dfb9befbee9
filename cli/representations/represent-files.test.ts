import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepresentCache } from './represent-cache.js';
import {
  promptSha256,
  readRepresentationsFile,
  REPRESENTATIONS_FORMAT,
  writeRepresentationsFile,
  type RepresentationsHeader,
} from './representation-file.js';
import { declareWebLlmGate } from './declare-webllm-gate.js';

const temp = () => mkdtempSync(join(tmpdir(), 'riskgate-represent-test-'));

describe('represent cache (resumable)', () => {
  it('keeps every prompt written before an interruption, and skips a torn last line', () => {
    const path = join(temp(), 'model.jsonl');
    const cache = openRepresentCache(path, 3);
    cache.put('a', { vector: Float32Array.of(1, 2, 3), tokenCount: 5, truncatedTokens: 0 });
    cache.put('b', { vector: Float32Array.of(-1, 0.5, 1e-7), tokenCount: 9, truncatedTokens: 2 });
    appendFileSync(path, '\n{"key":"c","tokens":4,"trunc'); // the process died mid-write
    const reopened = openRepresentCache(path, 3);
    expect(reopened.size).toBe(2);
    expect(Array.from(reopened.get('b')!.vector)).toEqual(Array.from(Float32Array.of(-1, 0.5, 1e-7)));
    expect(reopened.get('b')).toMatchObject({ tokenCount: 9, truncatedTokens: 2 });
    // The next line written after the torn one is read back.
    reopened.put('c', { vector: Float32Array.of(7, 8, 9), tokenCount: 4, truncatedTokens: 0 });
    expect(Array.from(openRepresentCache(path, 3).get('c')!.vector)).toEqual([7, 8, 9]);
  });

  it('ignores rows of another width', () => {
    const path = join(temp(), 'model.jsonl');
    openRepresentCache(path, 2).put('a', { vector: Float32Array.of(1, 2), tokenCount: 1, truncatedTokens: 0 });
    expect(openRepresentCache(path, 3).get('a')).toBeUndefined();
  });
});

const header = (prompts: string[], dim: number): RepresentationsHeader => ({
  format: REPRESENTATIONS_FORMAT,
  representation: { modelId: 'm+count-sketch(seed 1)', modelSha256: 'ab'.repeat(32), kind: 'logit_sketch', dim },
  prompt_sha256: prompts.map(promptSha256),
  data_sha256: 'cd'.repeat(32),
  models_url: 'http://site/models/',
  engine: {},
  truncated_prompts: 0,
});

describe('representations file', () => {
  it("reads back each prompt's vector by its text", () => {
    const path = join(temp(), 'r.rep');
    writeRepresentationsFile(path, header(['x', 'y'], 2), [Float32Array.of(1, 2), Float32Array.of(3, 4)]);
    const file = readRepresentationsFile(path);
    expect(Array.from(file.byPrompt('y')!)).toEqual([3, 4]);
    expect(file.byPrompt('z')).toBeUndefined();
  });

  it('refuses a truncated file and a file of another format with clear codes', () => {
    const path = join(temp(), 'r.rep');
    writeRepresentationsFile(path, header(['x', 'y'], 2), [Float32Array.of(1, 2), Float32Array.of(3, 4)]);
    writeFileSync(path, readFileSync(path).subarray(0, -4));
    expect(() => readRepresentationsFile(path)).toThrow(
      expect.objectContaining({ code: 'invalid_artifact', message: expect.stringContaining('truncated') }),
    );
    writeFileSync(path, '{"format":"something-else"}\n');
    expect(() => readRepresentationsFile(path)).toThrow(expect.objectContaining({ code: 'invalid_artifact' }));
    expect(() => readRepresentationsFile(join(temp(), 'missing.rep'))).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });
});

describe('declaring a trained gate in models.json', () => {
  const entry = {
    model_id: 'qwen',
    model: 'qwen/resolve/main/',
    model_lib: 'libs/q.wasm',
    context_length: 1024,
    hidden_size: 896,
  };

  it('adds the gate (with its sha256) and thresholds by paths relative to models.json, keeping the rest', () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'models.json'),
      JSON.stringify({
        format: 'riskgate.models/1',
        webllm: { ...entry, f32: { model_id: 'qwen-f32' } },
        note: 'kept',
      }),
    );
    writeFileSync(join(dir, 'thresholds.json'), '{"rows":[]}');
    declareWebLlmGate(join(dir, 'models.json'), entry, {
      gatePath: join(dir, 'g', 'gate.onnx'),
      gateSha256: 'ef'.repeat(32),
      thresholdsPath: join(dir, 'thresholds.json'),
    });
    const written = JSON.parse(readFileSync(join(dir, 'models.json'), 'utf8'));
    expect(written).toMatchObject({
      note: 'kept',
      webllm: {
        ...entry,
        f32: { model_id: 'qwen-f32' },
        gate: { onnx: 'g/gate.onnx', sha256: 'ef'.repeat(32) },
        thresholds: { json: 'thresholds.json', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    });
  });

  it("refuses files the site could not serve, another model, and an ONNX model's representations", () => {
    const dir = temp();
    const artifacts = {
      gatePath: join(dir, '..', 'gate.onnx'),
      gateSha256: 'ef'.repeat(32),
      thresholdsPath: join(dir, 't.json'),
    };
    expect(() => declareWebLlmGate(join(dir, 'models.json'), entry, artifacts)).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        message: expect.stringContaining('outside the models folder'),
      }),
    );
    writeFileSync(
      join(dir, 'models.json'),
      JSON.stringify({ format: 'riskgate.models/1', webllm: { ...entry, model_id: 'other' } }),
    );
    expect(() =>
      declareWebLlmGate(join(dir, 'models.json'), entry, { ...artifacts, gatePath: join(dir, 'gate.onnx') }),
    ).toThrow(expect.objectContaining({ message: expect.stringContaining('declares other') }));
    expect(() => declareWebLlmGate(join(dir, 'models.json'), undefined, artifacts)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('ONNX model') }),
    );
  });
});

describe('train and calibrate on a representations file', () => {
  it("read each prompt's vector, and name the prompts the file lacks", async () => {
    const { loadRoutingExperiment } = await import('../routing-experiment.js');
    const dir = temp();
    const prompts = ['alpha one', 'beta two', 'gamma three', 'delta four', 'epsilon five'];
    writeFileSync(
      join(dir, 'data.jsonl'),
      prompts.map((q, i) => JSON.stringify({ question: q, scores: { small: i / 5, large: 0.5 } })).join('\n'),
    );
    writeFileSync(join(dir, 'roles.json'), JSON.stringify({ roles: { local: 'small', edge: ['large'] } }));
    const options = { dataPath: join(dir, 'data.jsonl'), configPath: join(dir, 'roles.json') };
    writeRepresentationsFile(
      join(dir, 'all.rep'),
      header(prompts, 2),
      prompts.map((_, i) => Float32Array.of(i, -i)),
    );
    const experiment = await loadRoutingExperiment({ ...options, representationsPath: join(dir, 'all.rep') });
    expect(experiment.representation.kind).toBe('logit_sketch');
    experiment.records.forEach((r, row) =>
      expect(Array.from(experiment.representations[row]!)).toEqual([
        prompts.indexOf(r.prompt),
        -prompts.indexOf(r.prompt),
      ]),
    );
    writeRepresentationsFile(join(dir, 'some.rep'), header(prompts.slice(0, 3), 2), [
      Float32Array.of(0, 0),
      Float32Array.of(1, 1),
      Float32Array.of(2, 2),
    ]);
    await expect(
      loadRoutingExperiment({ ...options, representationsPath: join(dir, 'some.rep') }),
    ).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining('2 of the 5 prompts') });
  });
});

describe('train and calibrate a gate for a few prompts', () => {
  it('write the gate and thresholds, skipping per-cluster thresholds the data cannot carry (and refusing them when asked for)', async () => {
    const { train } = await import('../commands/train.js');
    const { calibrate } = await import('../commands/calibrate.js');
    const dir = temp();
    const prompts = ['alpha one', 'beta two', 'gamma three', 'delta four', 'epsilon five'];
    writeFileSync(
      join(dir, 'data.jsonl'),
      prompts.map((q, i) => JSON.stringify({ question: q, scores: { small: i / 5, large: 0.5 } })).join('\n'),
    );
    writeFileSync(join(dir, 'roles.json'), JSON.stringify({ roles: { local: 'small', edge: ['large'] } }));
    writeRepresentationsFile(
      join(dir, 'r.rep'),
      header(prompts, 2),
      prompts.map((_, i) => Float32Array.of(i, -i)),
    );
    const common = [
      '--data',
      join(dir, 'data.jsonl'),
      '--config',
      join(dir, 'roles.json'),
      '--representations',
      join(dir, 'r.rep'),
    ];
    await train([...common, '--out', join(dir, 'gate.onnx')]);
    await calibrate([...common, '--gate', join(dir, 'gate.onnx'), '--out', join(dir, 'thresholds.json')]);
    const thresholds = JSON.parse(readFileSync(join(dir, 'thresholds.json'), 'utf8'));
    expect(thresholds.rows).toHaveLength(30);
    expect(thresholds.clusters).toBeUndefined();
    await expect(
      calibrate([...common, '--gate', join(dir, 'gate.onnx'), '--out', join(dir, 't2.json'), '--clusters', '2']),
    ).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining('too few for 2 clusters') });
  });
});
