import { describe, expect, it } from 'vitest';
import { median, p90, quantile, ratios, roundOrder, summarize } from '../src/stats.js';

describe('median and quantiles', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('interpolates p90 between closest ranks', () => {
    // ranks 0..9 over 1..10: position 8.1 -> 9 + 0.1 * (10 - 9)
    expect(p90([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toBeCloseTo(9.1, 10);
    expect(quantile([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4, 5], 1)).toBe(5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
  });

  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses no samples, non-finite samples and quantiles out of range, naming the cause', () => {
    expect(() => median([])).toThrow(/no samples/);
    expect(() => median([1, Number.NaN])).toThrow(/not a finite number/);
    expect(() => quantile([1], 1.5)).toThrow(/between 0 and 1/);
  });
});

describe('summarize', () => {
  it('reports median, quartiles, range and count', () => {
    expect(summarize([7, 1, 3, 5, 9])).toEqual({ median: 5, min: 1, max: 9, q1: 3, q3: 7, n: 5 });
  });
});

describe('ratios', () => {
  it('divides each round by the baseline of the same round', () => {
    expect(ratios([2, 9, 4], [1, 3, 4])).toEqual([2, 3, 1]);
  });

  it('refuses mismatched rounds and a non-positive baseline', () => {
    expect(() => ratios([1, 2], [1])).toThrow(/as many baseline rounds/);
    expect(() => ratios([1], [0])).toThrow(/round 1 is not positive/);
  });
});

describe('roundOrder', () => {
  it('runs every candidate exactly once per round', () => {
    for (let round = 0; round < 8; round++) {
      expect([...roundOrder(5, round)].sort()).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it('puts every candidate first in some round and varies its neighbours', () => {
    const firsts = new Set(Array.from({ length: 4 }, (_, r) => roundOrder(4, r)[0]));
    expect(firsts).toEqual(new Set([0, 1, 2, 3]));
    expect(roundOrder(3, 0)).toEqual([0, 1, 2]);
    expect(roundOrder(3, 1)).toEqual([1, 0, 2]);
  });
});
