import { describe, expect, it } from 'vitest';
import { createEdgeSelector, type Candidate } from './selector.js';
import type { Upstream } from './upstream/upstream.js';

const upstream = (id: string, knows?: boolean): Upstream => ({
  id,
  model: id,
  kind: 'replay',
  generate: async function* () {
    return { finishReason: 'stop', promptTokens: 0, completionTokens: 0 };
  },
  ...(knows === undefined ? {} : { knows: () => knows }),
});
const candidate = (id: string, q: number, usd: number, ttftMs: number, tps: number, knows?: boolean): Candidate => ({
  upstream: upstream(id, knows),
  priorQuality: q,
  usdPer1kTokens: usd,
  ttftMs,
  tokensPerSecond: tps,
});
const options = { ewmaWeight: 0.5, latencyNormalizerS: 2 };
const messages = [{ role: 'user' as const, content: 'hi' }];

describe('edge utility selector: argmax Û = q̂ − λ·c̄', () => {
  it('picks the best quality at λ = 0 and the cheaper model as λ grows', () => {
    const s = createEdgeSelector(
      [candidate('big', 0.9, 0.03, 800, 30), candidate('small', 0.6, 0.001, 100, 120)],
      options,
    );
    expect(s.select(0, 100, messages).ladder[0]!.upstream.id).toBe('big');
    expect(s.select(5, 100, messages).ladder[0]!.upstream.id).toBe('small');
    const u = s.select(1, 100, messages).utilities;
    // c̄_big = 0.03 + (0.8 + 100/30)/2; Û = 0.9 − c̄
    expect(u.get('big')).toBeCloseTo(0.9 - (0.03 + (0.8 + 100 / 30) / 2), 10);
  });

  it('learns live latency: a slow upstream falls behind after it is observed', () => {
    const s = createEdgeSelector([candidate('a', 0.8, 0, 100, 100), candidate('b', 0.79, 0, 100, 100)], options);
    expect(s.select(1, 50, messages).ladder[0]!.upstream.id).toBe('a');
    s.observe('a', 3000, 5);
    expect(s.select(1, 50, messages).ladder[0]!.upstream.id).toBe('b');
    expect(s.candidates[0]!.ttftMs).toBe(1550); // EWMA with weight 0.5
  });

  it('never offers an upstream that cannot know the prompt (a replay without its recording), and a pin allows only that model', () => {
    const s = createEdgeSelector(
      [candidate('replay', 0.9, 0, 100, 100, false), candidate('live', 0.5, 0, 100, 100)],
      options,
    );
    expect(s.select(0, 10, messages).ladder.map((c) => c.upstream.id)).toEqual(['live']);
    expect(s.select(0, 10, messages, 'replay').ladder.map((c) => c.upstream.id)).toEqual(['replay']);
    expect(s.select(0, 10, messages, 'nope').ladder).toEqual([]);
  });
});
