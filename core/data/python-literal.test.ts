import { describe, expect, it } from 'vitest';
import { RouterError } from '../errors.js';
import { parsePythonStringList } from './python-literal.js';

describe('Python list-of-strings literal', () => {
  it('reads single and double quotes, escapes and unicode', () => {
    expect(parsePythonStringList(`['It\\'s', "say \\"hi\\"\\n", 'caf\\xe9 \\u00e9 \\U0001F600', 'a\\\\b']`)).toEqual([
      "It's",
      'say "hi"\n',
      'café é 😀',
      'a\\b',
    ]);
    expect(parsePythonStringList('[]')).toEqual([]);
    expect(parsePythonStringList(" [ 'x' , ] ")).toEqual(['x']);
  });

  it('keeps unknown escapes verbatim, as Python does', () => {
    expect(parsePythonStringList("['\\\\d+ and \\d']")).toEqual(['\\d+ and \\d']);
  });

  it('rejects anything else with invalid_request', () => {
    for (const bad of ["['open", "['a' 'b']", '["x"] extra', '{"a": 1}', "[1, 'x']", "['\\x4']"]) {
      expect(() => parsePythonStringList(bad), bad).toThrowError(RouterError);
    }
  });
});
