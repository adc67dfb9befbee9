import { describe, expect, it } from 'vitest';
import type { RoutingRecord } from '../data/routing-dataset.js';
import { defaultRoutingConfig } from './routing-config.js';
import { bestEdgeModel, buildRoutingTable, oracleChoice, utilityMargin } from './routing-table.js';

const config = defaultRoutingConfig({ local: 'small', edge: ['cheap', 'pricey'] });
const record = (id: string, q: [number, number | undefined, number], usd?: [number, number]): RoutingRecord => ({
  id,
  source: 't',
  prompt: 'What is 2 + 2? Explain briefly.',
  outcomes: {
    small: { quality: q[0] },
    ...(q[1] === undefined ? {} : { cheap: { quality: q[1], ...(usd ? { cost_usd: usd[0] } : {}) } }),
    pricey: { quality: q[2], ...(usd ? { cost_usd: usd[1] } : {}) },
  },
});

describe('routing table: U_m = a_m − λ·c̄_m, Δ = U_local − max_edge U_m', () => {
  const table = buildRoutingTable(
    [record('a', [0, 1, 1], [0.0001, 0.02]), record('b', [1, 0, 1], [0.0001, 0.02]), record('c', [0, undefined, 1])],
    config,
    3,
  );

  it('at λ = 0 the margin is the quality gap to the best edge model', () => {
    expect(utilityMargin(table, 0, 0)).toBe(-1);
    expect(utilityMargin(table, 1, 0)).toBe(0); // a tie goes local (Δ ≥ 0)
    expect(oracleChoice(table, 1, 0)).toBe(0);
  });

  it('a record’s USD cost enters c̄, so a large λ prefers the cheap edge model, then local', () => {
    expect(table.cost[2]![0]! - table.cost[1]![0]!).toBeCloseTo((0.3 * (0.02 - 0.0001)) / 0.005, 6);
    expect(bestEdgeModel(table, 0, 0).model).toBe(1); // equal quality: the first (cheaper) wins ties
    expect(bestEdgeModel(table, 0, 2).model).toBe(1);
    const pricey = buildRoutingTable([record('d', [0, undefined, 1], [0, 0.05])], config, 3);
    expect(utilityMargin(pricey, 0, 0)).toBe(-1);
    expect(utilityMargin(pricey, 0, 100)).toBeGreaterThan(0); // cost dominates: local wins
  });

  it('a model with no label is never chosen for that prompt', () => {
    expect(Number.isNaN(table.quality[1]![2]!)).toBe(true);
    expect(bestEdgeModel(table, 2, 0).model).toBe(2);
  });

  it('draws one seeded channel state per prompt: same seed, same costs; another seed, other edge costs', () => {
    const again = buildRoutingTable([record('a', [0, 1, 1])], config, 3);
    const other = buildRoutingTable([record('a', [0, 1, 1])], config, 4);
    expect(again.cost[2]![0]).toBe(buildRoutingTable([record('a', [0, 1, 1])], config, 3).cost[2]![0]);
    expect(other.cost[2]![0]).not.toBe(again.cost[2]![0]);
    expect(other.cost[0]![0]).toBe(again.cost[0]![0]); // the local path ignores the channel
  });

  it('adds an extra per-(model, row) cost such as a mid-dialogue switch', () => {
    const switched = buildRoutingTable([record('a', [0, 1, 1])], config, 3, (m) => (m === 0 ? 0.5 : 0));
    expect(switched.cost[0]![0]! - buildRoutingTable([record('a', [0, 1, 1])], config, 3).cost[0]![0]!).toBeCloseTo(
      0.5,
      12,
    );
  });
});
