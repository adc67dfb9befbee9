/**
 * @module decision/promise
 * What a threshold table promises, as data and in the words the visitor reads. One definition for
 * the picker, the decision events and the README (issue 22, point 4): the words are built here
 * from the table's `guarantee`, and promise.test.ts holds them to the math.
 * - selective (selective-risk.ts): of the answers given on this device, at most α fall short of
 *   the larger model's, with probability ≥ 1 − δ over the calibration draw;
 * - marginal (crc.ts): of all messages, at most α (on average) are answered here and are worse.
 * `labelsModel` is whose answers the promise is about; the worker refuses a table whose labels
 * belong to another model than the one loaded, so in the widget it is always the model that answers.
 */
import type { ThresholdsFile } from '../calibration/threshold-table.js';
import { labelsModelOf } from '../calibration/threshold-table.js';

export type RiskPromise = {
  readonly guarantee: 'selective' | 'marginal';
  /** Confidence over the calibration draw (selective only): the promise holds with probability ≥ 1 − δ. */
  readonly delta: number | null;
  readonly labelsModel: string;
};

export function promiseOf(file: ThresholdsFile): RiskPromise {
  const guarantee = file.guarantee ?? 'marginal';
  return {
    guarantee,
    delta: guarantee === 'selective' ? (file.delta ?? null) : null,
    labelsModel: labelsModelOf(file).id,
  };
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

export type PromiseWords = {
  /** The control's label. */
  readonly label: string;
  /** One option of the control, for risk level α. */
  readonly option: (riskLevel: number) => string;
  /** The sentence under the control. */
  readonly help: string;
  /** The exact statement, for the details (with δ). */
  readonly statement: (riskLevel: number) => string;
  /** The statement for the share the visitor picks, for where α is not at hand. */
  readonly summary: string;
};

export function promiseWords(promise: RiskPromise): PromiseWords {
  if (promise.guarantee === 'selective') {
    const confidence = promise.delta === null ? '' : ` (with ${percent(1 - promise.delta)} confidence)`;
    return {
      label: 'Of the answers given on this device, how many may fall short',
      option: (a) => `at most ${percent(a)}`,
      help: "Of the answers this device gives, the share that may be worse than the larger model's. Lower is safer and sends more to the server.",
      statement: (a) =>
        `Of the answers given on this device, at most ${percent(a)} fall short of the larger model's answer${confidence}.`,
      summary: `Of the answers given on this device, at most the share you pick fall short of the larger model's answer${confidence}.`,
    };
  }
  return {
    label: 'Of all messages, how many may get a worse answer here',
    option: (a) => `at most ${percent(a)}`,
    help: 'Counted over all messages, answered here or not: the share answered on this device that the larger model would have answered better. Lower is safer.',
    statement: (a) =>
      `Of all messages, at most ${percent(a)} on average are answered on this device and fall short of the larger model's answer.`,
    summary:
      "Of all messages, at most the share you pick are, on average, answered on this device and fall short of the larger model's answer.",
  };
}
