import { describe, expect, it } from 'vitest';
import { auditGroups, binomialUpperTail, wilsonInterval } from './risk-audit.js';

describe('risk audit on data the guarantee was not calibrated on', () => {
  it('Wilson intervals match the published values', () => {
    // Newcombe (1998), table I: 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605.
    const [a, b] = wilsonInterval(81, 263);
    expect(a).toBeCloseTo(0.2553, 3);
    expect(b).toBeCloseTo(0.3662, 3);
    const [c, d] = wilsonInterval(15, 148);
    expect(c).toBeCloseTo(0.0624, 3);
    expect(d).toBeCloseTo(0.1605, 3);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
  });

  it('the exact binomial tail: P[Bin(10, 0.5) ≥ 8] = 56/1024, and the edges', () => {
    expect(binomialUpperTail(8, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(30, 100, 0.1)).toBeLessThan(1e-7); // 30% observed against α = 10%
  });

  it('per group: base rate, accept rate, false-acceptance rate and whether it exceeds α', () => {
    const rows = [
      ...Array.from({ length: 100 }, (_, i) => ({ group: 'math', accepted: true, edgeBetter: i < 30 })), // accepts all; 30% worse
      ...Array.from({ length: 100 }, (_, i) => ({ group: 'trivia', accepted: i >= 50, edgeBetter: i < 40 })), // accepts only the good half
    ];
    const [math, trivia] = auditGroups(rows, 0.1);
    expect(math).toMatchObject({ group: 'math', n: 100, baseRate: 0.3, acceptRate: 1, falseAcceptRate: 0.3 });
    expect(math!.pExceeds).toBeLessThan(0.001);
    expect(trivia).toMatchObject({ group: 'trivia', baseRate: 0.4, acceptRate: 0.5, falseAcceptRate: 0 });
    expect(trivia!.pExceeds).toBe(1);
  });
});
