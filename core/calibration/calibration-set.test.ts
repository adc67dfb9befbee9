import { describe, expect, it } from 'vitest';
import { createRandom } from '../sampling.js';
import {
  falseAcceptanceLabels,
  parseCalibrationSet,
  recalibrate,
  type CalibrationSetFile,
  type CostOf,
} from './calibration-set.js';

const PROFILE = { ttftOverheadS: 0.5, prefillTokensPerS: 5000, decodeTokensPerS: 50 };

/**
 * Synthetic routing data: a score that carries some signal about whether the edge answers better,
 * prompt and answer lengths, and a cost that grows with the local answer's length times a device
 * slowness factor (what live measurements change).
 */
function synthetic(random: () => number, n: number): CalibrationSetFile {
  const rows = Array.from({ length: n }, () => {
    const score = random();
    const edgeBetter = random() < 0.45 * (1 - score);
    return {
      score,
      local: edgeBetter ? 0 : 1,
      edge: 1,
      promptTokens: 10 + Math.floor(random() * 200),
      outputTokens: 20 + Math.floor(random() * 300),
    };
  });
  const column = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  return {
    format: 'riskgate.calibration-set/1',
    gate_sha256: 'g',
    cost_weights: [0, 1],
    prompt_tokens: column((r) => r.promptTokens),
    models: [
      {
        id: 'local',
        quality: column((r) => r.local),
        output_tokens: column((r) => r.outputTokens),
        usd: column(() => 0),
        training_cost: column(() => 0),
      },
      {
        id: 'edge',
        quality: column((r) => r.edge),
        output_tokens: column((r) => r.outputTokens),
        usd: column(() => 0.001),
        training_cost: column(() => 0.1),
        profile: PROFILE,
      },
    ],
    scores: [column((r) => r.score), column((r) => r.score)],
  };
}

/** Local cost: answer length × seconds per token (the device's speed), normalised by 5 s; the edge costs 0.1. */
const costAt =
  (set: CalibrationSetFile, sPerToken: number): CostOf =>
  (m, row) =>
    m === 0 ? (set.models[0]!.output_tokens[row]! * sPerToken) / 5 : 0.1;

describe('recalibration on the calibration set under live costs', () => {
  it('keeps the false-acceptance risk at most α under any fixed cost function (mean over 200 seeds ≤ α + 1/(n+1))', () => {
    for (const sPerToken of [0.001, 0.02]) {
      let risk = 0;
      let accepted = 0;
      for (let seed = 1; seed <= 200; seed++) {
        const random = createRandom(seed);
        const calibration = synthetic(random, 400);
        const test = synthetic(random, 2000);
        const { threshold } = recalibrate(calibration, costAt(calibration, sPerToken), {
          costWeight: 1,
          riskLevel: 0.1,
        });
        const labels = falseAcceptanceLabels(test, costAt(test, sPerToken), 1);
        const scores = test.scores[1]!;
        risk += scores.filter((s, i) => s >= threshold && labels[i]).length / 2000 / 200;
        accepted += scores.filter((s) => s >= threshold).length / 2000 / 200;
      }
      expect(risk).toBeLessThanOrEqual(0.1 + 1 / 401);
      expect(risk).toBeGreaterThan(0.07); // not trivially conservative
      expect(accepted).toBeGreaterThan(0.09); // on the slow device most prompts are false acceptances; still some are taken
    }
  });

  it('a faster device never raises τ: fewer prompts are false acceptances when answering here costs less', () => {
    const set = synthetic(createRandom(7), 1000);
    const taus = [0.05, 0.02, 0.005, 0.001].map(
      (s) => recalibrate(set, costAt(set, s), { costWeight: 1, riskLevel: 0.1 }).threshold,
    );
    for (let i = 1; i < taus.length; i++) expect(taus[i]).toBeLessThanOrEqual(taus[i - 1]!);
    expect(taus.at(-1)).toBeLessThan(taus[0]!);
  });

  it('λ = 0 ignores costs; a λ that is not a shipped cost weight, a short cluster, and a foreign set are refused or deferred', () => {
    const set = {
      ...synthetic(createRandom(3), 300),
      clusters: Array.from({ length: 300 }, (_, i) => (i < 250 ? 0 : 1)),
      min_cluster_size: 100,
    };
    expect(recalibrate(set, costAt(set, 0.05), { costWeight: 0, riskLevel: 0.1 })).toEqual(
      recalibrate(set, costAt(set, 0.0001), { costWeight: 0, riskLevel: 0.1 }),
    );
    expect(() => recalibrate(set, costAt(set, 0.05), { costWeight: 0.5, riskLevel: 0.1 })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(recalibrate(set, costAt(set, 0.05), { costWeight: 1, riskLevel: 0.1 }, 1)).toMatchObject({
      threshold: Infinity,
      nCalibration: 50,
    });
    expect(recalibrate(set, costAt(set, 0.05), { costWeight: 1, riskLevel: 0.1 }, 0).nCalibration).toBe(250);
    expect(() => parseCalibrationSet(set, 'another gate')).toThrow(
      expect.objectContaining({ code: 'artifact_mismatch' }),
    );
    expect(() => parseCalibrationSet({ ...set, scores: [[1]] }, 'g')).toThrow(
      expect.objectContaining({ code: 'invalid_artifact' }),
    );
  });
});
