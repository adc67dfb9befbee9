/**
 * @module cli/fit/fit-prompts
 * The prompt set `riskgate fit` reads: JSONL, one prompt per line,
 *   {id, task, messages: [{role, content}], gold?, grader?, edge?: {model, response?, quality?, cost_usd?}}
 * `gold` and `grader` label the answers; without a gold answer the pairwise judge must (a proxy with
 * `judge`). `edge` is a recorded edge answer, used when fit is not given a proxy to ask.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { RouterError } from '../../core/errors.js';
import { GRADERS } from '../../core/grading/graders.js';

const graderName = z.enum(Object.keys(GRADERS) as [keyof typeof GRADERS, ...(keyof typeof GRADERS)[]]);

export const fitPromptSchema = z.strictObject({
  id: z.string().min(1),
  task: z.string().min(1),
  messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1),
  gold: z.string().optional(),
  grader: graderName.optional(),
  edge: z
    .strictObject({
      model: z.string().min(1),
      response: z.string().optional(),
      quality: z.number().min(0).max(1).optional(),
      cost_usd: z.number().min(0).optional(),
    })
    .optional(),
});

export type FitPrompt = z.infer<typeof fitPromptSchema>;

export function readFitPrompts(path: string): FitPrompt[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new RouterError('invalid_request', `cannot read the prompt set ${path} (${(cause as Error).message})`, {
      cause,
    });
  }
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new RouterError('invalid_request', `${path}:${i + 1} is not JSON`);
    }
    const parsed = fitPromptSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RouterError('invalid_request', `${path}:${i + 1}: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    return [parsed.data];
  });
}

export function writeFitPrompts(path: string, prompts: readonly FitPrompt[]): void {
  writeFileSync(path, prompts.map((p) => JSON.stringify(p)).join('\n') + '\n');
}
