import { describe, expect, it } from 'vitest';
import { passOrder, refinementCounts, surveyGrid } from '../../../electron/engine/measure/sweep-plan.js';

describe('sweep plan', () => {
  it('surveys every count in small ranges and an even grid with both ends in large ones', () => {
    expect(surveyGrid(3, 10, 50)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    const grid = surveyGrid(1, 197, 50);
    expect(grid[0]).toBe(1);
    expect(grid.at(-1)).toBe(197);
    expect(grid.length).toBe(50);
    const gaps = grid.slice(1).map((tokens, i) => tokens - grid[i]);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });

  it('fills the gap below each step, and subdivides long gaps', () => {
    expect(refinementCounts([1, 5, 9, 13], [9])).toEqual([6, 7, 8]);
    expect(refinementCounts([1, 5, 6], [6])).toEqual([]);
    const long = refinementCounts([1, 101], [101], 4);
    expect(long).toEqual([21, 41, 61, 81]);
  });

  it('puts the reference first, last and every few visits', () => {
    const order = passOrder([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10, 4, 1, 0);
    expect(order[0]).toEqual({ tokens: 10, isReference: true });
    expect(order.at(-1)).toEqual({ tokens: 10, isReference: true });
    expect(order.filter((visit) => visit.isReference).length).toBe(4);
    expect(order.filter((visit) => !visit.isReference).map((visit) => visit.tokens).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
