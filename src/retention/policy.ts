import { DAY_MS } from '../time/duration.js';
import { addDays, dayNumber, isoWeekOf, isoWeekRange, monthRange, localDay } from '../time/period.js';
import type { Config } from '../schema/config.js';

// What retention keeps, decided from names alone: a day folder by its day, a
// weekly report by the last day of its ISO week, a monthly report by the last
// day of its month, each against local today. Pure: no fs, the clock passed in.

export type RetentionPolicy = Config['retention'];

/** Per kind, the first day that is kept: whatever ends before it goes. Never after today. */
export interface Cutoffs {
  today: string;
  raw: string;
  dailySummaries: string;
  weeklyReports: string;
  monthlyReports: string;
}

export function cutoffsOf(policy: RetentionPolicy, now: number): Cutoffs {
  const today = localDay(now);
  const cutoff = (keepMs: number) => {
    // Whole days are counted on the calendar, so a daylight-saving change never moves the line by a day.
    const day = keepMs % DAY_MS === 0 ? addDays(today, -keepMs / DAY_MS) : localDay(now - keepMs);
    return day < today ? day : today;
  };
  return {
    today,
    raw: cutoff(policy.rawMs),
    dailySummaries: cutoff(policy.dailySummariesMs),
    weeklyReports: cutoff(policy.weeklyReportsMs),
    monthlyReports: cutoff(policy.monthlyReportsMs),
  };
}

/** A day's raw records (record folders and completions.jsonl) are past retention. */
export function rawExpired(day: string, cutoffs: Cutoffs): boolean {
  return day < cutoffs.raw;
}

/**
 * A whole day folder goes once both its raw records and its summary are past
 * retention, and only after its ISO week and its month have ended: a report
 * of a period still running is rewritten from the day summaries it finds, so
 * one must not go while its period can still be reported on.
 */
export function dayFolderExpired(day: string, cutoffs: Cutoffs): boolean {
  return day < cutoffs.raw && day < cutoffs.dailySummaries && periodsEnded(day, cutoffs.today);
}

export function periodsEnded(day: string, today: string): boolean {
  return isoWeekRange(isoWeekOf(day))!.to < today && monthRange(day.slice(0, 7))!.to < today;
}

/** A valid calendar day folder name, "2026-11-25" (not "2026-02-30"). */
export function isDayName(name: string): boolean {
  return dayNumber(name) !== null;
}

export interface DatedReportName {
  /** "2026-W47" or "2026-11". */
  label: string;
  lastDay: string;
}

/** "2026-W47.json" in metrics/weekly. */
export function parseWeeklyReportName(name: string): DatedReportName | null {
  const match = /^(\d{4}-W\d{2})\.json$/.exec(name);
  const range = match ? isoWeekRange(match[1]!) : null;
  return range ? { label: match![1]!, lastDay: range.to } : null;
}

/** "2026-11.json" in metrics/monthly. */
export function parseMonthlyReportName(name: string): DatedReportName | null {
  const match = /^(\d{4}-\d{2})\.json$/.exec(name);
  const range = match ? monthRange(match[1]!) : null;
  return range ? { label: match![1]!, lastDay: range.to } : null;
}

/**
 * The dated reports that must exist before these day folders go, so their
 * figures outlive them; a report that would itself be past retention is not asked for.
 */
export function reportsNeededFor(days: readonly string[], cutoffs: Cutoffs): { weeks: string[]; months: string[] } {
  const weeks = new Set<string>();
  const months = new Set<string>();
  for (const day of days) {
    const week = isoWeekOf(day);
    if (isoWeekRange(week)!.to >= cutoffs.weeklyReports) weeks.add(week);
    const month = day.slice(0, 7);
    if (monthRange(month)!.to >= cutoffs.monthlyReports) months.add(month);
  }
  return { weeks: [...weeks].sort(), months: [...months].sort() };
}
