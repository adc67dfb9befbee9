import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { TOKENIZER_PATH } from '../../node/paths.js';
import { loadGolden } from '../../testing/golden.js';
import { loadTokenizer } from '../../node/local-model.js';
import { truncatePromptTokens } from './truncate.js';
import { RouterError } from '../errors.js';
import { parseTok512 } from './tok512.js';

const golden = loadGolden();
const tokenizer = loadTokenizer();

describe('tok512 tokenizer', () => {
  it.each(golden.tokenizer_vectors.map((v) => [JSON.stringify(v.text), v] as const))(
    'encodes %s exactly as llama2.c',
    (_, vector) => {
      expect(tokenizer.encode(vector.text)).toEqual(vector.tokens);
    },
  );

  it.each(Object.entries(golden.cases))('decodes the golden completion of %s byte for byte', (_, c) => {
    if (c.completion_text !== undefined)
      expect(tokenizer.decode(c.generated_tokens, c.prompt_tokens.at(-1))).toBe(c.completion_text);
    expect(tokenizer.decode([...c.prompt_tokens.slice(1), ...c.generated_tokens])).toBe(c.full_text);
  });

  it('merging word by word gives exactly what merging the whole text gives (llama2.c)', () => {
    const reference = parseTok512(new Uint8Array(readFileSync(TOKENIZER_PATH)), { wholeText: true });
    const words = [
      'Once',
      'upon',
      'a',
      'time',
      ' ',
      '  ',
      'Lily',
      "didn't",
      'Grüße',
      '東京',
      '🙂',
      '\n',
      'the',
      ',',
      '.',
      'aaaa',
      'ing',
    ];
    const text = fc
      .array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(' ', '', '  ', '\n')), { maxLength: 40 })
      .map((parts) => parts.map(([w, sep]) => w + sep).join(''));
    fc.assert(
      fc.property(text, (text) => {
        expect(tokenizer.encode(text)).toEqual(reference.encode(text));
      }),
      { seed: 17, numRuns: 300 },
    );
  });

  it('round-trips text that needs byte fallback', () => {
    const text = 'Grüße, 東京! 🙂';
    expect(tokenizer.decode(tokenizer.encode(text).slice(1))).toBe(` ${text}`.slice(1));
  });

  it('rejects a truncated tokenizer file with invalid_artifact', () => {
    const bytes = Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 65);
    expect(() => parseTok512(bytes)).toThrowError(RouterError);
    try {
      parseTok512(bytes);
    } catch (e) {
      expect((e as RouterError).code).toBe('invalid_artifact');
    }
  });

  it('keeps BOS and the last tokens when a prompt exceeds the window', () => {
    const tokens = [1, ...Array.from({ length: 600 }, (_, i) => 10 + (i % 400))];
    const { tokens: kept, dropped } = truncatePromptTokens(tokens, 512);
    expect(kept).toHaveLength(512);
    expect(kept[0]).toBe(1);
    expect(kept.slice(1)).toEqual(tokens.slice(-511));
    expect(dropped).toBe(89);
    expect(truncatePromptTokens([1, 5, 6], 512)).toEqual({ tokens: [1, 5, 6], dropped: 0 });
  });
});
