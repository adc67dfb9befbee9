import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { multipleChoice, finalNumberGrader } from '../../core/grading/graders.js';
import { SHARED_DIR } from '../../node/paths.js';
import { gsm8kPrompts, routerBenchPrompts, type GoldReport } from './gold-answers.js';

const data = resolve(SHARED_DIR, 'data');

describe('gold answers inferred from the shared data', () => {
  it("GSM8K: the gold number of the first row is 18, and GPT-4's recorded answers grade as recorded", () => {
    const report: GoldReport = {};
    const prompts = gsm8kPrompts(data, report);
    expect(prompts[0]).toMatchObject({ id: 'gsm8k/0', gold: '18', grader: 'final-number' });
    expect(report.gsm8k!.rows).toBe(1319);
    expect(report.gsm8k!.gold + report.gsm8k!.noGold + report.gsm8k!.disagreements).toBe(1319);
    expect(report.gsm8k!.gold).toBeGreaterThan(1100);
    // Our grader against the recorded correctness of GPT-4's answers: nearly always the same.
    const graded = prompts.map((p) => finalNumberGrader(p.edge!.response!, p.gold));
    expect(graded.filter((g) => g === 'correct').length / prompts.length).toBeGreaterThan(0.85);
  });

  it("arc-challenge: every correct model's letter agrees on most rows; the gold grades GPT-4 as recorded", () => {
    const report: GoldReport = {};
    const prompts = routerBenchPrompts(data, 'arc_challenge_train.csv', 'arc-challenge', report);
    const tally = report['arc-challenge']!;
    expect(tally.gold).toBeGreaterThan(0.9 * tally.rows);
    expect(prompts.every((p) => /^[A-E]$/.test(p.gold!))).toBe(true);
    const correct = prompts.filter((p) => multipleChoice(p.edge!.response!, p.gold) === 'correct').length;
    expect(correct / prompts.length).toBeGreaterThan(0.85);
  });
});
