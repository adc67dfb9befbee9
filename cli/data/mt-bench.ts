/**
 * @module cli/data/mt-bench
 * RouteLLM's MT-Bench (../shared/data/routellm/mt_bench, Apache-2.0): 80 two-turn dialogues with
 * GPT-4's 1–10 grades of GPT-4-1106 and Mixtral-8x7B on each turn. Quality = score / 10 (data
 * README). Each model's answers are recovered from the judge prompt, which quotes them, so their
 * lengths size the output and the history a model switch must re-prefill.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Outcome, RoutingRecord } from '../../core/data/routing-dataset.js';

export type Dialogue = {
  readonly id: string;
  readonly category: string;
  readonly turns: readonly [RoutingRecord, RoutingRecord];
};

type Judgement = { question_id: number; model: string; turn: 1 | 2; user_prompt: string; score: number };

/** The answer to turn 1 sits between the answer markers; turn 2's is the last "### Assistant A:" block. */
export function quotedAnswer(judgePrompt: string, turn: 1 | 2): string {
  if (turn === 1)
    return (
      /\[The Start of Assistant's Answer\]\n([\s\S]*?)\n\[The End of Assistant's Answer\]/.exec(judgePrompt)?.[1] ?? ''
    );
  const blocks = judgePrompt.split('### Assistant A:\n');
  return (blocks.at(-1) ?? '').split(/\n\n<\|The End of Assistant A's Conversation/)[0]!.trim();
}

export const importMtBench = (dataDir: string): Dialogue[] =>
  importMtBenchFolder(resolve(dataDir, 'routellm/mt_bench'));

/** A folder holding MT-Bench's question.jsonl and judgements.jsonl. */
export function importMtBenchFolder(dir: string): Dialogue[] {
  const lines = (file: string) =>
    readFileSync(resolve(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as unknown);
  const questions = lines('question.jsonl') as { question_id: number; category: string; turns: [string, string] }[];
  const judgements = lines('judgements.jsonl') as Judgement[];
  return questions.map((q) => {
    const turn = (t: 1 | 2): RoutingRecord => {
      const outcomes: Record<string, Outcome> = {};
      for (const j of judgements.filter((j) => j.question_id === q.question_id && j.turn === t)) {
        outcomes[j.model] = { quality: Number(j.score) / 10, response: quotedAnswer(j.user_prompt, t) };
      }
      return {
        id: `mt_bench/${q.question_id}/${t}`,
        source: `mt_bench/${q.category}`,
        prompt: q.turns[t - 1] ?? '',
        outcomes,
      };
    };
    return { id: `mt_bench/${q.question_id}`, category: q.category, turns: [turn(1), turn(2)] };
  });
}
