/**
 * @module representation/lexical
 * Lexical features of a prompt: the cheapest representation, and the "length-augmented" signal
 * Bao et al. add to their classifier (docs/methods.md §3.3). Reads the whole prompt (no window).
 * Counts are log-scaled so one long prompt does not dominate the standardization.
 */

export const LEXICAL_FEATURES = Object.freeze([
  'log_chars',
  'log_words',
  'log_lines',
  'digit_share',
  'upper_share',
  'punct_share',
  'math_symbols',
  'code_markers',
  'question_marks',
  'answer_markers',
  'choice_lines',
  'mean_word_length',
  'long_word_share',
  'non_ascii_share',
]);

export function lexicalFeatures(text: string): Float32Array {
  const chars = text.length || 1;
  const words = text.split(/\s+/).filter(Boolean);
  const count = (re: RegExp) => (text.match(re) ?? []).length;
  const wordLengths = words.map((w) => w.length);
  const meanWord = wordLengths.reduce((a, b) => a + b, 0) / (words.length || 1);
  return Float32Array.from([
    Math.log1p(text.length),
    Math.log1p(words.length),
    Math.log1p(count(/\n/g)),
    count(/[0-9]/g) / chars,
    count(/[A-Z]/g) / chars,
    count(/[.,;:!?()[\]{}"'-]/g) / chars,
    Math.log1p(count(/[=+*/^<>%$]/g)),
    Math.log1p(count(/\b(def|return|function|class|import|for|while|print)\b|[{};]/g)),
    Math.log1p(count(/\?/g)),
    Math.log1p(count(/Answer:/g)),
    Math.log1p(count(/^\s*[A-D][.)]\s/gm)),
    meanWord,
    wordLengths.filter((n) => n >= 9).length / (words.length || 1),
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the share of characters outside ASCII (0x00–0x7f)
    count(/[^\x00-\x7f]/g) / chars,
  ]);
}
