import { describe, expect, test } from 'vitest';
import {
  cutoffsOf,
  dayFolderExpired,
  isDayName,
  parseMonthlyReportName,
  parseWeeklyReportName,
  rawExpired,
  reportsNeededFor,
  type RetentionPolicy,
} from '../../src/retention/policy.js';
import { formatDurationSetting } from '../../src/time/duration.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';

const DAY = 86_400_000;
const policy = DEFAULT_CONFIG.retention;
/** 2026-11-25 10:00 local. */
const NOW = new Date(2026, 10, 25, 10).getTime();

describe('retention cutoffs', () => {
  test('the design document policy: 7, 30, 90 and 365 days back from local today', () => {
    expect(cutoffsOf(policy, NOW)).toEqual({
      today: '2026-11-25',
      raw: '2026-11-18',
      dailySummaries: '2026-10-26',
      weeklyReports: '2026-08-27',
      monthlyReports: '2025-11-25',
    });
  });

  test('a day exactly as old as the retention is kept, the day before it goes', () => {
    const cutoffs = cutoffsOf(policy, NOW);
    expect(rawExpired('2026-11-18', cutoffs)).toBe(false);
    expect(rawExpired('2026-11-17', cutoffs)).toBe(true);
  });

  test('whole days count on the calendar, whatever the hour and across a daylight-saving change', () => {
    for (const hour of [0, 1, 12, 23]) {
      expect(cutoffsOf(policy, new Date(2026, 2, 30, hour, 59).getTime()).raw).toBe('2026-03-23');
      expect(cutoffsOf(policy, new Date(2026, 9, 27, hour, 59).getTime()).raw).toBe('2026-10-20');
    }
  });

  test('a retention in hours counts back from now', () => {
    const hours: RetentionPolicy = { ...policy, rawMs: 36 * 3_600_000 };
    expect(cutoffsOf(hours, NOW).raw).toBe('2026-11-23');
    expect(cutoffsOf(hours, new Date(2026, 10, 25, 23).getTime()).raw).toBe('2026-11-24');
  });

  test('today is never past retention, even with a retention of zero', () => {
    const zero: RetentionPolicy = { rawMs: 0, dailySummariesMs: 0, weeklyReportsMs: 0, monthlyReportsMs: 0 };
    const cutoffs = cutoffsOf(zero, NOW);
    expect(cutoffs.raw).toBe('2026-11-25');
    expect(rawExpired('2026-11-25', cutoffs)).toBe(false);
    expect(rawExpired('2026-11-24', cutoffs)).toBe(true);
    expect(dayFolderExpired('2026-11-25', cutoffs)).toBe(false);
  });

  test('a day folder goes only once raw and summary are both past retention', () => {
    const longRaw = cutoffsOf({ ...policy, rawMs: 60 * DAY }, NOW);
    // Raw records are kept from 2026-09-26, day summaries from 2026-10-26.
    expect(dayFolderExpired('2026-10-01', longRaw)).toBe(false);
    expect(dayFolderExpired('2026-09-26', longRaw)).toBe(false);
    expect(dayFolderExpired('2026-09-25', longRaw)).toBe(true);
  });

  test('a day folder waits for its ISO week and its month to end', () => {
    const short = cutoffsOf({ ...policy, rawMs: DAY, dailySummariesMs: DAY }, NOW);
    // 2026-11-23 is the Monday of this week; 2026-11-16 the Monday before; all in November.
    expect(dayFolderExpired('2026-11-23', short)).toBe(false);
    expect(dayFolderExpired('2026-11-16', short)).toBe(false);
    expect(dayFolderExpired('2026-10-31', short)).toBe(true);
  });
});

describe('names', () => {
  test('day folder names are real calendar days', () => {
    expect(isDayName('2026-02-28')).toBe(true);
    expect(isDayName('2026-02-30')).toBe(false);
    expect(isDayName('2026-13-01')).toBe(false);
  });

  test('a weekly report is dated by the Sunday of its ISO week, a monthly one by the last day of its month', () => {
    expect(parseWeeklyReportName('2026-W01.json')).toEqual({ label: '2026-W01', lastDay: '2026-01-04' });
    expect(parseWeeklyReportName('2020-W53.json')).toEqual({ label: '2020-W53', lastDay: '2021-01-03' });
    expect(parseWeeklyReportName('2025-W53.json')).toBeNull();
    expect(parseWeeklyReportName('2026-W01.json.bak')).toBeNull();
    expect(parseMonthlyReportName('2028-02.json')).toEqual({ label: '2028-02', lastDay: '2028-02-29' });
    expect(parseMonthlyReportName('2026-13.json')).toBeNull();
  });

  test('dated reports are asked for only when they would themselves be kept', () => {
    const cutoffs = cutoffsOf(policy, NOW);
    expect(reportsNeededFor(['2026-10-01', '2026-10-02', '2026-08-03'], cutoffs)).toEqual({ weeks: ['2026-W40'], months: ['2026-08', '2026-10'] });
  });

  test('durations read back the way people write them', () => {
    expect(formatDurationSetting(7 * DAY)).toBe('7d');
    expect(formatDurationSetting(14 * DAY)).toBe('14d');
    expect(formatDurationSetting(36 * 3_600_000)).toBe('36h');
    expect(formatDurationSetting(90_000)).toBe('90s');
    expect(formatDurationSetting(0)).toBe('0d');
  });
});
