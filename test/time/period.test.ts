import { describe, expect, test } from 'vitest';
import {
  addDays,
  dailyPeriod,
  dayNumber,
  daysBetween,
  isoWeekOf,
  isoWeekPeriod,
  isoWeekRange,
  monthPeriod,
  monthRange,
  previousPeriod,
  trailingWeek,
} from '../../src/time/period.js';

describe('days', () => {
  test('rejects days that do not exist', () => {
    expect(dayNumber('2026-02-29')).toBeNull();
    expect(dayNumber('2024-02-29')).not.toBeNull();
    expect(dayNumber('2026-13-01')).toBeNull();
    expect(dayNumber('26-01-01')).toBeNull();
  });

  test('adds days across month, year and daylight-saving changes', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2026-10-24', '2026-10-27')).toEqual(['2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27']);
  });
});

describe('ISO weeks', () => {
  test('a week belongs to the year of its Thursday', () => {
    expect(isoWeekOf('2026-11-25')).toBe('2026-W48');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
  });

  test('a week name gives Monday to Sunday', () => {
    expect(isoWeekRange('2026-W47')).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(isoWeekRange('2025-W01')).toEqual({ from: '2024-12-30', to: '2025-01-05' });
    expect(isoWeekRange('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
    expect(isoWeekRange('2025-W53')).toBeNull();
    expect(isoWeekRange('2026-W00')).toBeNull();
    expect(isoWeekRange('2026-47')).toBeNull();
  });
});

test('months know their length', () => {
  expect(monthRange('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
  expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  expect(monthRange('2026-13')).toBeNull();
});

describe('periods', () => {
  test('the weekly report is the 7 days ending today and is not complete', () => {
    expect(trailingWeek('2026-11-25', '2026-11-25')).toEqual({
      kind: 'weekly',
      label: '2026-11-19 to 2026-11-25',
      from: '2026-11-19',
      to: '2026-11-25',
      complete: false,
    });
  });

  test('a running week or month ends today', () => {
    expect(isoWeekPeriod('2026-W48', '2026-11-25')).toMatchObject({ from: '2026-11-23', to: '2026-11-25', complete: false });
    expect(monthPeriod('2026-11', '2026-11-25')).toMatchObject({ from: '2026-11-01', to: '2026-11-25', complete: false });
    expect(monthPeriod('2026-10', '2026-11-25')).toMatchObject({ from: '2026-10-01', to: '2026-10-31', complete: true });
    expect(dailyPeriod('2026-11-24', '2026-11-25').complete).toBe(true);
  });

  test('the previous period has the same length', () => {
    expect(previousPeriod({ from: '2026-11-01', to: '2026-11-30' })).toEqual({ from: '2026-10-02', to: '2026-10-31' });
  });
});
