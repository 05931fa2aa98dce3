import { describe, expect, test } from 'vitest';
import {
  median,
  mergeSorted,
  percent,
  percentile,
  robustScore,
  robustSpread,
  roundedMean,
  slope,
  wilsonLowerBound,
} from '../../src/analytics/stats.js';

describe('percentile (nearest rank)', () => {
  test('returns an observed value, never an interpolation', () => {
    const values = [10, 20, 30, 40];
    expect(percentile(values, 50)).toBe(20);
    expect(percentile(values, 95)).toBe(40);
    expect(percentile(values, 25)).toBe(10);
    expect(percentile(values, 26)).toBe(20);
  });

  test('p95 of 1..100 is 95 and p50 is 50', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
  });

  test('is null for no values', () => {
    expect(percentile([], 50)).toBeNull();
  });
});

test('median averages the two middle values of an even count', () => {
  expect(median([1, 2, 3, 10])).toBe(2.5);
  expect(median([1, 2, 3])).toBe(2);
  expect(median([])).toBeNull();
});

test('mergeSorted gives the same values as sorting everything together', () => {
  const lists = [[1, 5, 9], [], [2, 2, 8], [0, 100], [3]];
  expect(mergeSorted(lists)).toEqual(lists.flat().sort((a, b) => a - b));
  expect(mergeSorted([[1, 3], [2, 4]])).toEqual([1, 2, 3, 4]);
  expect(mergeSorted([[4, 5]])).toEqual([4, 5]);
  expect(mergeSorted([])).toEqual([]);
});

test('percent has one decimal and is null for an empty whole', () => {
  expect(percent(943, 1000)).toBe(94.3);
  expect(percent(2, 3)).toBe(66.7);
  expect(percent(0, 0)).toBeNull();
  expect(roundedMean(10, 4)).toBe(3);
  expect(roundedMean(0, 0)).toBeNull();
});

describe('robust spread', () => {
  test('uses the scaled MAD, which one outlier does not inflate', () => {
    const values = [10, 11, 12, 13, 14, 1000];
    const spread = robustSpread(values)!;
    expect(spread.median).toBe(12.5);
    // |x - 12.5| = 2.5 1.5 0.5 0.5 1.5 987.5 -> MAD = 1.5
    expect(spread.spread).toBeCloseTo(1.5 * 1.4826, 6);
    expect(robustScore(1000, spread)).toBeGreaterThan(100);
  });

  test('falls back to the mean absolute deviation when most values are equal', () => {
    const values = [0, 0, 0, 0, 0, 0, 50];
    const spread = robustSpread(values)!;
    expect(spread.median).toBe(0);
    expect(spread.spread).toBeCloseTo((50 / 7) * 1.2533, 6);
  });

  test('is null when nothing varies', () => {
    expect(robustSpread([3, 3, 3])).toBeNull();
    expect(robustSpread([])).toBeNull();
  });
});

test('slope fits a line through the points it has', () => {
  expect(slope([1, 2, 3, 4])).toBeCloseTo(1, 10);
  expect(slope([10, null, 6, null, 2])).toBeCloseTo(-2, 10);
  expect(slope([5])).toBeNull();
  expect(slope([null, null])).toBeNull();
});

test('the Wilson bound ranks 97 of 100 above 1 of 1', () => {
  expect(wilsonLowerBound(97, 100)).toBeGreaterThan(wilsonLowerBound(1, 1));
  expect(wilsonLowerBound(0, 0)).toBe(0);
});
