/**
 * @module bench-prompts
 * A fixed prompt set for latency benchmarks (Node and browser use the same one).
 */
export const BENCH_PROMPTS: readonly string[] = Object.freeze([
  'Once upon a time',
  'Lily and Ben went to the beach.',
  'The little dog wanted to play with the big red ball, but',
  'Which of the following is a prime number?\nA. 21\nB. 27\nC. 29\nD. 33\nAnswer:',
  'Janet has 16 eggs. She eats three and bakes muffins with four. How many eggs are left?',
]);
