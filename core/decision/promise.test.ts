import { describe, expect, it } from 'vitest';
import { promiseOf, promiseWords } from './promise.js';
import type { ThresholdsFile } from '../calibration/threshold-table.js';

const file = (extra: Partial<ThresholdsFile>): ThresholdsFile => ({
  format: 'riskgate.thresholds/1',
  gate_sha256: 'g',
  loss: 'shortfall',
  rows: [],
  representation: { modelId: 'stories260K', modelSha256: 's', kind: 'hidden_state_last', dim: 64 },
  ...extra,
});

// The words must say what the math bounds (issue 22): the selective bound is conditional on
// answering here and holds with probability 1 − δ; the marginal one counts all messages.
describe('the promise in words', () => {
  it('selective: conditional on the answer being given here, with its confidence', () => {
    const words = promiseWords(promiseOf(file({ guarantee: 'selective', delta: 0.05 })));
    expect(words.statement(0.1)).toBe(
      "Of the answers given on this device, at most 10% fall short of the larger model's answer (with 95% confidence).",
    );
    expect(words.label).toMatch(/^Of the answers given on this device/);
    expect(words.help).not.toMatch(/all messages/);
  });

  it('marginal: a share of all messages, in expectation, never read as conditional', () => {
    const words = promiseWords(promiseOf(file({ guarantee: 'marginal', loss: 'false_acceptance' })));
    expect(words.statement(0.05)).toMatch(/^Of all messages, at most 5% on average are answered on this device/);
    expect(words.label).toMatch(/^Of all messages/);
    expect(words.help).toMatch(/over all messages/);
  });

  it("a table from before issue 22 (no guarantee field) is marginal CRC, and its labels are the roles' local model", () => {
    const promise = promiseOf(
      file({
        loss: 'false_acceptance',
        roles: { local: 'mistralai/Mixtral-8x7B-Instruct-v0.1', edge: ['gpt-4-1106-preview'] },
      }),
    );
    expect(promise).toEqual({
      guarantee: 'marginal',
      delta: null,
      labelsModel: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
    });
  });
});
