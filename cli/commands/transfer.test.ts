import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, STAND_IN_GATE_DIR } from '../../node/paths.js';

// A gate with certified points (the stand-in, node/paths.ts) on data it was not calibrated on: a task where the edge is always strictly
// better breaks the guarantee wherever the threshold accepts much of it; a task where the local
// answer is as good never does.
describe('riskgate transfer', () => {
  it('reports per group the false-acceptance rate, its Wilson interval and the groups that exceed α', () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-transfer-'));
    const lines = Array.from({ length: 80 }, (_, i) =>
      JSON.stringify({
        id: String(i),
        source: i % 2 ? 'hard/x' : 'easy/y',
        prompt: `Question number ${i}: what is ${i} plus ${i}?`,
        outcomes: { 'mistralai/mixtral-8x7b-chat': { quality: i % 2 ? 0 : 1 }, 'gpt-4-1106-preview': { quality: 1 } },
      }),
    );
    writeFileSync(join(dir, 'data.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(dir, 'roles.json'),
      JSON.stringify({ roles: { local: 'mistralai/mixtral-8x7b-chat', edge: ['gpt-4-1106-preview'] } }),
    );
    const run = spawnSync(
      'npx',
      [
        'tsx',
        'cli/main.ts',
        'transfer',
        '--data',
        join(dir, 'data.jsonl'),
        '--config',
        join(dir, 'roles.json'),
        '--group-depth',
        '1',
        '--online',
        '--out',
        join(dir, 'out.json'),
        '--gate',
        join(STAND_IN_GATE_DIR, 'gate.onnx'),
        '--thresholds',
        join(STAND_IN_GATE_DIR, 'thresholds.json'),
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      n_prompts: number;
      rows: {
        threshold: number | string;
        risk_level: number;
        groups: {
          group: string;
          n: number;
          baseRate: number;
          acceptRate: number;
          falseAcceptRate: number;
          wilson95: number[];
        }[];
        violated_groups: string[];
        online?: { groups: { group: string; staticRisk: number; adaptiveRisk: number }[] };
      }[];
    };
    expect(report.n_prompts).toBe(80);
    expect(report.rows).toHaveLength(30);
    for (const row of report.rows) {
      const hard = row.groups.find((g) => g.group === 'hard')!;
      const easy = row.groups.find((g) => g.group === 'easy')!;
      expect([hard.n, easy.n]).toEqual([40, 40]);
      expect(easy.falseAcceptRate).toBe(0); // never worse locally
      // On "hard" every accepted prompt is a false acceptance.
      expect(hard.falseAcceptRate).toBeCloseTo(hard.acceptRate, 12);
      expect(hard.wilson95[0]!).toBeLessThanOrEqual(hard.falseAcceptRate);
      expect(row.violated_groups.includes('hard')).toBe(hard.falseAcceptRate > row.risk_level + 0.15);
    }
    // Where the calibrated threshold accepts (nearly) everything, "hard" is broken outright…
    const broken = report.rows.filter(
      (r) => r.violated_groups.includes('hard') && r.groups.find((g) => g.group === 'hard')!.acceptRate > 0.9,
    );
    expect(broken.length).toBeGreaterThan(0);
    // …and the adaptive threshold, replaying the same prompts as a stream, lowers it.
    for (const row of broken) {
      const replayed = row.online!.groups.find((g) => g.group === 'hard')!;
      expect(replayed.staticRisk).toBeCloseTo(row.groups.find((g) => g.group === 'hard')!.falseAcceptRate, 12);
      expect(replayed.adaptiveRisk).toBeLessThan(replayed.staticRisk);
    }
  });
});
