import { describe, expect, it } from 'vitest';
import { createRandom } from '../sampling.js';
import { applyCountSketch, createCountSketch } from './count-sketch.js';
import { LEXICAL_FEATURES, lexicalFeatures } from './lexical.js';

describe('count-sketch of the logits', () => {
  const sketch = createCountSketch(512, 64, 1);
  const random = createRandom(9);
  const vec = () => Float32Array.from({ length: 512 }, () => random() * 4 - 2);

  it('is a fixed linear map after centring: S(x + y) = S(x) + S(y)', () => {
    const [x, y] = [vec(), vec()];
    const sum = applyCountSketch(
      sketch,
      x.map((v, i) => v + y[i]!),
    );
    const parts = applyCountSketch(sketch, x).map((v, i) => v + applyCountSketch(sketch, y)[i]!);
    sum.forEach((v, i) => expect(v).toBeCloseTo(parts[i]!, 4));
  });

  it('ignores a constant shift of the logits (softmax is shift-invariant) and is reproducible from its seed', () => {
    const x = vec();
    const shifted = applyCountSketch(
      sketch,
      x.map((v) => v + 7),
    );
    applyCountSketch(sketch, x).forEach((v, i) => expect(v).toBeCloseTo(shifted[i]!, 4));
    expect(Array.from(createCountSketch(512, 64, 1).bucket)).toEqual(Array.from(sketch.bucket));
    expect(Array.from(createCountSketch(512, 64, 2).bucket)).not.toEqual(Array.from(sketch.bucket));
  });

  it('preserves squared norms in expectation (E‖Sx‖² = ‖x‖²): mean ratio over 200 vectors within 10%', () => {
    const norm = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b * b, 0);
    let ratio = 0;
    for (let k = 0; k < 200; k++) {
      const x = vec();
      const mean = x.reduce((a, b) => a + b, 0) / 512;
      ratio += norm(applyCountSketch(createCountSketch(512, 64, k + 1), x)) / norm(x.map((v) => v - mean)) / 200;
    }
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });

  it('refuses a vector of the wrong size', () => {
    expect(() => applyCountSketch(sketch, new Float32Array(10))).toThrow(/512/);
  });
});

describe('lexical features', () => {
  it('has one value per named feature and grows with length, digits and answer choices', () => {
    const short = lexicalFeatures('Hi there');
    const long = lexicalFeatures('Q: 12 + 30 = ?\nA. 42\nB. 41\nC. 40\nD. 39\nAnswer:');
    expect(short.length).toBe(LEXICAL_FEATURES.length);
    const at = (name: string, v: Float32Array) => v[LEXICAL_FEATURES.indexOf(name)]!;
    expect(at('log_chars', long)).toBeGreaterThan(at('log_chars', short));
    expect(at('digit_share', long)).toBeGreaterThan(0);
    expect(at('choice_lines', long)).toBeCloseTo(Math.log1p(4), 6);
    expect(at('answer_markers', long)).toBeCloseTo(Math.log1p(1), 6);
    expect(Array.from(lexicalFeatures(''), Number.isFinite).every(Boolean)).toBe(true);
  });
});
