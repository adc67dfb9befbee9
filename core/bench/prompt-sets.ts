/**
 * @module bench/prompt-sets
 * The fixed, versioned prompt sets `npm run bench` ships (a figure is only comparable with another
 * taken on the same set and version), and the reader for a user's JSONL. A set is a list of
 * conversations; a one-prompt conversation is one user message.
 */
import type { ChatMessage } from '../protocol/chat.js';
import { RouterError } from '../errors.js';
import { BENCH_PROMPTS } from '../bench-prompts.js';

export type PromptSet = {
  readonly name: string;
  readonly version: string;
  readonly conversations: readonly (readonly ChatMessage[])[];
};

const user = (content: string): ChatMessage[] => [{ role: 'user', content }];

/** Four GSM8K questions from the RouteLLM routing data (Apache-2.0, edge-proxy/recordings/LICENSE.md). */
const ROUTING_DATA_SAMPLE = [
  "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?",
  'A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?',
  'Josh decides to try flipping a house. He buys a house for $80,000 and then puts in $50,000 in repairs. This increased the value of the house by 150%. How much profit did he make?',
  'James decides to run 3 sprints 3 times a week. He runs 60 meters each sprint. How many total meters does he run a week?',
];

const LONG = [
  'Once upon a time, in a small village at the edge of a great forest, there lived a girl named Lily who loved to collect shiny stones. Every morning she walked along the river with her dog Max, and every evening she lined up the stones on her window sill so that they caught the last light of the sun. One day the river was higher than usual, and Max ran ahead and barked at something caught between two rocks. It was a small wooden box with a brass lock. Lily pulled it out, dried it with her scarf, and carried it home, wondering who had lost it and what was inside.',
  'Tom had a red kite that he flew in the park every Saturday. His grandfather had built it from thin sticks and paper, and it was the best kite in the whole town. One windy afternoon the string snapped and the kite flew over the houses, over the school and over the hill. Tom ran after it as fast as he could, asking everyone he met whether they had seen a red kite. A baker, a postman and a girl with a bicycle all pointed the same way, towards the old lighthouse by the sea.',
];

const MULTI_TURN: ChatMessage[][] = [
  [
    { role: 'user', content: 'Once upon a time there was a cat.' },
    { role: 'assistant', content: 'The cat was very happy and liked to play.' },
    { role: 'user', content: 'One day the cat found a ball.' },
  ],
  [
    { role: 'user', content: 'Lily and Ben went to the park.' },
    { role: 'assistant', content: 'They saw a big tree and a little bird.' },
    { role: 'user', content: 'What is 12 times 7?' },
  ],
];

export const PROMPT_SETS: Readonly<Record<string, PromptSet>> = Object.freeze({
  short: { name: 'short', version: 'v1', conversations: BENCH_PROMPTS.slice(0, 3).map(user) },
  long: { name: 'long', version: 'v1', conversations: LONG.map(user) },
  'multi-turn': { name: 'multi-turn', version: 'v1', conversations: MULTI_TURN },
  mixed: {
    name: 'mixed',
    version: 'v1',
    conversations: [...BENCH_PROMPTS.slice(3).map(user), ...ROUTING_DATA_SAMPLE.map(user)],
  },
});

/**
 * A user's set: JSONL, one conversation per line, as `{"messages": [...]}` (OpenAI shape) or
 * `{"prompt": "..."}`. A bad line is an `invalid_request` naming the line, not a skipped prompt.
 */
export function parsePromptJsonl(name: string, text: string): PromptSet {
  const conversations: ChatMessage[][] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let row: { messages?: unknown; prompt?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      throw new RouterError('invalid_request', `${name}, line ${i + 1}: not JSON`);
    }
    if (typeof row.prompt === 'string' && row.prompt.trim() !== '') conversations.push(user(row.prompt));
    else if (
      Array.isArray(row.messages) &&
      row.messages.length > 0 &&
      row.messages.every(
        (m: { role?: unknown; content?: unknown }) =>
          ['system', 'user', 'assistant'].includes(m.role as string) && typeof m.content === 'string',
      )
    ) {
      conversations.push(row.messages as ChatMessage[]);
    } else
      throw new RouterError(
        'invalid_request',
        `${name}, line ${i + 1}: expected {"prompt": "..."} or {"messages": [{role, content}, ...]}`,
      );
  }
  if (conversations.length === 0) throw new RouterError('invalid_request', `${name}: no prompts`);
  return { name, version: 'user', conversations };
}
