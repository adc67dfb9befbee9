import { describe, expect, it } from 'vitest';
import { chosenOption, exactMatch, finalNumber, finalNumberGrader, multipleChoice } from './graders.js';

// Real answers from the shared data (RouterBench arc-challenge / winogrande, RouteLLM GSM8K) and
// real stories260K outputs, as `riskgate fit` meets them.
describe('graders', () => {
  it('reads the option letter the way models write it', () => {
    expect(chosenOption('D')).toBe('D');
    expect(chosenOption('D\n')).toBe('D');
    expect(chosenOption('A)')).toBe('A');
    expect(chosenOption('(B) the house')).toBe('B');
    expect(chosenOption('The correct answer is C because heat rises.')).toBe('C');
    expect(chosenOption('I do')).toBeUndefined();
    expect(chosenOption('Once upon a time, there was a little girl named Lily.')).toBeUndefined();
  });

  it('multiple choice: a story fragment is wrong even when the gold letter is unknown', () => {
    expect(multipleChoice('Once upon a time, there was a big tree.', undefined)).toBe('wrong');
    expect(multipleChoice('B', undefined)).toBe('unknown');
    expect(multipleChoice('B\n', 'B')).toBe('correct');
    expect(multipleChoice('A', 'B')).toBe('wrong');
  });

  it('final number: GSM8K answers in either recorded style', () => {
    const mixtral = "She sells these 9 eggs at the farmers' market for 9 * $2 = $<<9*2=18>>18.\n#### 18";
    const gpt4 = "She sells each egg for $2, so she makes 9 * $2 = $18 every day at the farmers' market.";
    expect(finalNumber(mixtral)).toBe(18);
    expect(finalNumber(gpt4)).toBe(18);
    expect(finalNumber('The total is $1,234.50.')).toBe(1234.5);
    expect(finalNumberGrader(gpt4, '18')).toBe('correct');
    expect(finalNumberGrader('Lily was happy. She played with her ball.', '18')).toBe('wrong');
    expect(finalNumberGrader('He had 3 apples and then 5.', '18')).toBe('wrong');
  });

  it('exact match: normalised, inside a sentence', () => {
    expect(exactMatch('The capital of France is Paris.', 'Paris')).toBe('correct');
    expect(exactMatch('Parisian food is nice.', 'Paris')).toBe('wrong');
    expect(exactMatch('anything', undefined)).toBe('unknown');
  });
});
