import { expect, test } from 'vitest';
import { formatTokens, formatUsd } from '../../src/analytics/format.js';
import { formatElapsed as formatDuration } from '../../src/time/duration.js';

// How figures read in every view: durations, token counts and money.

test('numbers read the same everywhere', () => {
  expect(formatDuration(950)).toBe('950 ms');
  expect(formatDuration(3250)).toBe('3.25 s');
  expect(formatDuration(61_000)).toBe('1 min 1 s');
  expect(formatDuration(3_720_000)).toBe('1 h 2 min');
  expect(formatTokens(125_000)).toBe('125k');
  expect(formatTokens(2_450_000_000)).toBe('2.45B');
  expect(formatUsd(0.005145)).toBe('$0.0051');
  expect(formatUsd(1421.4)).toBe('$1,421');
});

test('durations round into the next unit instead of showing 60 of the smaller one', () => {
  expect(formatDuration(999.6)).toBe('1 s');
  expect(formatDuration(59_960)).toBe('1 min');
  expect(formatDuration(60_000)).toBe('1 min');
  expect(formatDuration(119_600)).toBe('2 min');
  expect(formatDuration(3_599_700)).toBe('1 h');
  expect(formatDuration(7_199_000)).toBe('2 h');
  expect(formatDuration(5_400_000)).toBe('1 h 30 min');
});

test('money shows cents below $100 and whole dollars from $100, rounded before the rule is chosen', () => {
  expect(formatUsd(12.345)).toBe('$12.35');
  expect(formatUsd(99.5)).toBe('$99.50');
  expect(formatUsd(99.996)).toBe('$100');
  expect(formatUsd(112.4)).toBe('$112');
  expect(formatUsd(0.0099996)).toBe('$0.01');
  expect(formatUsd(0.00994)).toBe('$0.0099');
});
