import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseThresholdsFile } from '../../core/calibration/threshold-table.js';
import { fit } from './fit.js';

/**
 * `riskgate fit` end to end on the embedded model (issue 22): stories260K answers every prompt for
 * real, in Node, as the widget would. Two kinds of prompts: story openings, where the recorded edge
 * answer is graded wrong, so the device's answer never falls short of it;
 * and arithmetic, where it is wrong and the edge is right. A gate fitted to its own answers must
 * keep the first kind on the device and defer the second.
 */
describe('riskgate fit', () => {
  it("labels the model's own answers, certifies where it is good, defers where it is not, and names the labels", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-fit-'));
    const names = ['Lily', 'Ben', 'Tom', 'Sue', 'Max', 'Anna', 'Tim', 'Mia', 'Sam', 'Zoe'];
    const things = ['dog', 'cat', 'ball', 'tree', 'bird', 'car', 'fish', 'cake', 'toy', 'boat'];
    const lines: object[] = [];
    for (let i = 0; i < 200; i++) {
      const story = i % 2 === 0;
      const [name, thing] = [names[(i >> 1) % 10]!, things[Math.floor(i / 20) % 10]!];
      lines.push(
        story
          ? {
              id: `story/${i}`,
              task: 'story',
              messages: [{ role: 'user', content: `Once upon a time, ${name} had a ${thing}.` }],
              gold: 'was',
              grader: 'exact-match',
              edge: { model: 'edge-m', response: 'I cannot continue stories.' },
            }
          : {
              id: `math/${i}`,
              task: 'math',
              messages: [{ role: 'user', content: `What is ${i} plus ${i + 3}? Answer with a number.` }],
              gold: String(2 * i + 3),
              grader: 'final-number',
              edge: { model: 'edge-m', response: `The answer is ${2 * i + 3}.` },
            },
      );
    }
    const prompts = join(dir, 'prompts.jsonl');
    writeFileSync(prompts, lines.map((l) => JSON.stringify(l)).join('\n'));
    await fit([
      '--prompts',
      prompts,
      '--work',
      join(dir, 'work'),
      '--gate',
      join(dir, 'gate.onnx'),
      '--thresholds',
      join(dir, 'thresholds.json'),
      '--report',
      join(dir, 'report'),
      '--max-tokens',
      '16',
    ]);

    const thresholds = parseThresholdsFile(JSON.parse(readFileSync(join(dir, 'thresholds.json'), 'utf8')));
    expect(thresholds.guarantee).toBe('selective');
    expect(thresholds.labels).toMatchObject({
      local_model: 'stories260K',
      edge_models: ['edge-m'],
      graders: ['exact-match', 'final-number'],
      max_tokens: 16,
    });
    const report = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8')) as {
      tasks: Record<string, { localAccuracy: number; edgeAccuracy: number }>;
      certified: { points: number };
      auc: { auc: number | null }[];
    };
    // The model's own answers: it never gets the arithmetic; on stories the edge is never better.
    expect(report.tasks.math!.localAccuracy).toBe(0);
    expect(report.tasks.math!.edgeAccuracy).toBe(1);
    expect(report.tasks.story!.edgeAccuracy).toBe(0);
    // The gate separates them, and the selective promise certifies points where it is good.
    expect(report.auc.every((a) => a.auc !== null && a.auc > 0.9)).toBe(true);
    expect(report.certified.points).toBeGreaterThan(0);
    const certified = thresholds.rows.filter((r) => r.threshold !== '+inf');
    for (const row of certified) expect(row.test_risk!).toBeLessThanOrEqual(row.risk_level + 0.1);
    expect(readFileSync(join(dir, 'report', 'report.md'), 'utf8')).toMatch(/\| story \| 100 \|/);
  }, 120_000);
});
