/**
 * @module grading/graders
 * Grades an answer against a gold answer, the way `riskgate fit` labels the deployed model's own
 * answers and the edge's (both with the same grader, so "falls short" compares like with like).
 * Each grader says `correct`, `wrong`, or `unknown` (it cannot tell: the row stays unlabelled).
 * Pluggable: a prompt names its grader; `GRADERS` maps names to functions.
 */

export type Grade = 'correct' | 'wrong' | 'unknown';
/** `gold` undefined: the gold answer is not known (some graders can still tell an answer is wrong). */
export type Grader = (answer: string, gold: string | undefined) => Grade;

/** Lower case, no punctuation, no articles, single spaces (SQuAD's normalisation). */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The option letter an answer chooses: a letter standing alone at the start ("B", "B)", "(B)",
 * "B."), else the last "answer is X" / "Answer: X". Undefined when it names none.
 */
export function chosenOption(answer: string, letters = 'ABCDE'): string | undefined {
  const set = `[${letters}]`;
  const text = answer.trim();
  const leading = new RegExp(`^\\(?(${set})(?:[).:\\s]|$)`).exec(text);
  if (leading) return leading[1];
  const stated = [...text.matchAll(new RegExp(`answer(?: is|:)?\\s*\\(?(${set})\\b`, 'gi'))].at(-1);
  return stated?.[1]?.toUpperCase();
}

/** The last number in a text ("#### 18", "$1,234.50", "= 7."), as a number. */
export function finalNumber(text: string): number | undefined {
  const matches = [...text.replace(/(\d),(?=\d{3}\b)/g, '$1').matchAll(/-?\d+(?:\.\d+)?/g)];
  const last = matches.at(-1)?.[0];
  return last === undefined ? undefined : Number(last);
}

/** Multiple choice: the chosen letter against the gold letter. No letter named: wrong, gold or not. */
export const multipleChoice: Grader = (answer, gold) => {
  const chosen = chosenOption(answer);
  if (chosen === undefined) return 'wrong';
  if (gold === undefined) return 'unknown';
  return chosen === gold.trim().toUpperCase() ? 'correct' : 'wrong';
};

/** Arithmetic word problems (GSM8K): the answer's final number against the gold number. */
export const finalNumberGrader: Grader = (answer, gold) => {
  const got = finalNumber(answer);
  if (got === undefined) return 'wrong';
  if (gold === undefined) return 'unknown';
  const want = Number(gold);
  return Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)) ? 'correct' : 'wrong';
};

/** Short factual answers: the normalised gold answer appears in the normalised answer. */
export const exactMatch: Grader = (answer, gold) => {
  if (gold === undefined) return 'unknown';
  const want = normalizeText(gold);
  const got = normalizeText(answer);
  return want.length > 0 && (got === want || ` ${got} `.includes(` ${want} `)) ? 'correct' : 'wrong';
};

export const GRADERS = Object.freeze({
  'multiple-choice': multipleChoice,
  'final-number': finalNumberGrader,
  'exact-match': exactMatch,
} satisfies Record<string, Grader>);

export type GraderName = keyof typeof GRADERS;
export const isGraderName = (name: string): name is GraderName => Object.hasOwn(GRADERS, name);
