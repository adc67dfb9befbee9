import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '../../core/sampling.js';
import { evaluate } from './evaluate.js';

describe('riskgate evaluate on a routing JSONL it has never seen', () => {
  it('writes report.md, metrics.json in the documented shape, and SVG plots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-eval-'));
    const random = createRandom(4);
    // Long prompts are hard for the small model: a lexical signal the gate can learn.
    const lines = Array.from({ length: 600 }, (_, i) => {
      const words = 5 + Math.floor(random() * 120);
      return JSON.stringify({
        id: `q${i}`,
        source: 'toy',
        prompt: Array.from({ length: words }, (_, w) => `w${(w * 7 + i) % 50}`).join(' '),
        outcomes: {
          small: { quality: random() < (words < 60 ? 0.9 : 0.2) ? 1 : 0 },
          big: { quality: random() < 0.85 ? 1 : 0, cost_usd: 0.01 },
        },
      });
    });
    writeFileSync(join(dir, 'toy.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ roles: { local: 'small', edge: ['big'] } }));
    await evaluate([
      '--data',
      join(dir, 'toy.jsonl'),
      '--out',
      join(dir, 'out'),
      '--config',
      join(dir, 'config.json'),
      '--representations',
      'lexical',
    ]);
    const metrics = JSON.parse(readFileSync(join(dir, 'out/metrics.json'), 'utf8'));
    expect(metrics.roles).toEqual({ local: 'small', edge: ['big'] });
    const lexical = metrics.representations.lexical;
    expect(Object.keys(lexical.operating_points[0]).sort()).toEqual(
      expect.arrayContaining([
        'cost_weight',
        'risk_level',
        'threshold',
        'n_calibration',
        'far',
        'far_se',
        'accept_rate',
        'accuracy',
        'cost',
      ]),
    );
    expect(typeof lexical.cost_reduction_vs_best_baseline).toBe('number');
    expect(['random_mix', 'routellm_quantile', 'bao_fused', 'knn']).toContain(lexical.best_baseline);
    expect(lexical.gap_to_oracle).toBeGreaterThanOrEqual(0);
    // The headline is also given over 5 seeds, as a mean with its interval.
    expect(lexical.headline_over_seeds.seeds).toEqual([1, 2, 3, 4, 5]);
    const overSeeds = lexical.headline_over_seeds.cost_reduction_vs_best_baseline.max;
    expect(overSeeds.ci95[0]).toBeLessThanOrEqual(overSeeds.mean);
    expect(overSeeds.ci95[1]).toBeGreaterThanOrEqual(overSeeds.mean);
    expect(lexical.aiq.cr2_crc).toBeGreaterThan(lexical.aiq.random_mix); // the length signal is learnable
    expect(readFileSync(join(dir, 'out/report.md'), 'utf8')).toContain('| lexical |');
    expect(existsSync(join(dir, 'out/frontier-lexical.svg')) && existsSync(join(dir, 'out/risk-lexical.svg'))).toBe(
      true,
    );
  }, 120_000);
});

describe('riskgate evaluate --train-data A --test-data B (transfer)', () => {
  it('refuses an --out that is a folder with invalid_request, before any work (it crashed with EISDIR)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-eval-out-'));
    await expect(evaluate(['--train-data', dir, '--test-data', dir, '--out', dir])).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('is a folder'),
    });
  });

  it('trains on A, tests on B by task, and reports every headline over seeds with an interval', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-transfer-'));
    const random = createRandom(9);
    const row = (i: number, source: string, localGood: (words: number) => number, names: [string, string]) => {
      const words = 5 + Math.floor(random() * 120);
      return JSON.stringify({
        id: `${source}${i}`,
        source,
        prompt: Array.from({ length: words }, (_, w) => `w${(w * 7 + i) % 50}`).join(' ') + ` ${source} ${i}`,
        outcomes: {
          [names[0]]: { quality: random() < localGood(words) ? 1 : 0 },
          [names[1]]: { quality: random() < 0.85 ? 1 : 0, cost_usd: 0.01 },
        },
      });
    };
    const usual = (words: number) => (words < 60 ? 0.9 : 0.2);
    writeFileSync(
      join(dir, 'a.jsonl'),
      `${Array.from({ length: 600 }, (_, i) => row(i, 'train', usual, ['small', 'big'])).join('\n')}\n`,
    );
    // B names the models differently, and one task breaks the pattern: the local model fails short prompts too.
    writeFileSync(
      join(dir, 'b.jsonl'),
      `${[...Array.from({ length: 300 }, (_, i) => row(i, 'alike', usual, ['tiny', 'huge'])), ...Array.from({ length: 300 }, (_, i) => row(i, 'shifted', () => 0.3, ['tiny', 'huge']))].join('\n')}\n`,
    );
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ roles: { local: 'small', edge: ['big'] } }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ roles: { local: 'tiny', edge: ['huge'] } }));
    await evaluate([
      '--train-data',
      join(dir, 'a.jsonl'),
      '--config',
      join(dir, 'a.json'),
      '--test-data',
      join(dir, 'b.jsonl'),
      '--test-config',
      join(dir, 'b.json'),
      '--seeds',
      '1,2',
      '--representations',
      'lexical',
      '--out',
      join(dir, 'transfer.json'),
    ]);
    const report = JSON.parse(readFileSync(join(dir, 'transfer.json'), 'utf8'));
    expect(report.test.n_prompts).toBe(600);
    expect(report.seeds).toHaveLength(2);
    expect(report.summary.seeds).toBe(2);
    expect(report.summary.cost_reduction_vs.random_mix.max.ci95).toHaveLength(2);
    const points = report.seeds[0].operating_points as {
      risk_level: number;
      violated_static: string[];
      groups: { group: string; falseAcceptRate: number; adaptive_far: number }[];
    }[];
    expect(points).toHaveLength(42); // 6 λ × 7 α, the evaluation grid
    expect(points[0]!.groups.map((g) => g.group).sort()).toEqual(['alike', 'shifted']);
    // The shifted task breaks the static guarantee somewhere; the adaptive τ does better in the worst case.
    expect(points.some((p) => p.violated_static.includes('shifted'))).toBe(true);
    expect(report.summary.worst_excess_adaptive.mean).toBeLessThan(report.summary.worst_excess_static.mean);
  }, 120_000);
});
