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
      return JSON.stringify({ id: `q${i}`, source: 'toy', prompt: Array.from({ length: words }, (_, w) => `w${(w * 7 + i) % 50}`).join(' '),
        outcomes: { small: { quality: random() < (words < 60 ? 0.9 : 0.2) ? 1 : 0 }, big: { quality: random() < 0.85 ? 1 : 0, cost_usd: 0.01 } } });
    });
    writeFileSync(join(dir, 'toy.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ roles: { local: 'small', edge: ['big'] } }));
    await evaluate(['--data', join(dir, 'toy.jsonl'), '--out', join(dir, 'out'), '--config', join(dir, 'config.json'), '--representations', 'lexical']);
    const metrics = JSON.parse(readFileSync(join(dir, 'out/metrics.json'), 'utf8'));
    expect(metrics.roles).toEqual({ local: 'small', edge: ['big'] });
    const lexical = metrics.representations.lexical;
    expect(Object.keys(lexical.operating_points[0]).sort()).toEqual(expect.arrayContaining(['cost_weight', 'risk_level', 'threshold', 'n_calibration', 'far', 'far_se', 'accept_rate', 'accuracy', 'cost']));
    expect(typeof lexical.cost_reduction_vs_best_baseline).toBe('number');
    expect(['random_mix', 'routellm_quantile', 'bao_fused', 'knn']).toContain(lexical.best_baseline);
    expect(lexical.gap_to_oracle).toBeGreaterThanOrEqual(0);
    expect(lexical.aiq.cr2_crc).toBeGreaterThan(lexical.aiq.random_mix); // the length signal is learnable
    expect(readFileSync(join(dir, 'out/report.md'), 'utf8')).toContain('| lexical |');
    expect(existsSync(join(dir, 'out/frontier-lexical.svg')) && existsSync(join(dir, 'out/risk-lexical.svg'))).toBe(true);
  }, 120_000);
});
