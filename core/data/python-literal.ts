/**
 * @module data/python-literal
 * Reads a Python list-of-strings literal such as `['It\'s', "two\nlines"]` — how RouterBench
 * stores prompts and responses. Only that grammar: no npm package parses Python literals short of a
 * whole Python parser (docs/decisions/006-routerbench-import.md), and JSON.parse rejects single
 * quotes and Python escapes.
 */
import { RouterError } from '../errors.js';

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

export function parsePythonStringList(text: string): string[] {
  let i = 0;
  const fail = (why: string): never => {
    throw new RouterError('invalid_request', `not a Python list of strings (${why} at ${i})`);
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const readString = (): string => {
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return fail('expected a quote');
    i++;
    let out = '';
    while (i < text.length && text[i] !== quote) {
      const ch = text[i]!;
      if (ch !== '\\') {
        out += ch;
        i++;
        continue;
      }
      const next = text[i + 1];
      if (next === undefined) return fail('dangling backslash');
      if (next in SIMPLE_ESCAPES) {
        out += SIMPLE_ESCAPES[next];
        i += 2;
        continue;
      }
      const width = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
      if (width > 0) {
        const hex = text.slice(i + 2, i + 2 + width);
        if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return fail('bad hex escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + width;
        continue;
      }
      if (next === '\n') {
        i += 2;
        continue;
      } // line continuation
      out += `\\${next}`; // Python keeps unknown escapes verbatim
      i += 2;
    }
    if (text[i] !== quote) return fail('unterminated string');
    i++;
    return out;
  };
  skipSpace();
  if (text[i] !== '[') fail('expected [');
  i++;
  const items: string[] = [];
  skipSpace();
  while (text[i] !== ']') {
    items.push(readString());
    skipSpace();
    if (text[i] === ',') {
      i++;
      skipSpace();
    } else if (text[i] !== ']') fail('expected , or ]');
  }
  i++;
  skipSpace();
  if (i !== text.length) fail('trailing text');
  return items;
}
