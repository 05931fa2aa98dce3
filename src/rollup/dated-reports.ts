import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { isoWeekRange, monthRange, type Period } from '../time/period.js';
import { memo } from '../schema/memo.js';
import { Report } from '../schema/report.js';
import { writeFileAtomic } from '../store/atomic.js';
import { monthlyReportPath, weeklyReportPath } from '../store/paths.js';

// The dated reports under metrics/ (weekly/YYYY-Www.json, monthly/YYYY-MM.json),
// written by report runs and by retention, and read back by `report`. Once a period is over, its dated
// report is the one record of it that outlives the day folders: retention
// removes those only after the report is written.

/** What a finished dated report counted: the day folders it was built from and their executions. */
export interface Coverage {
  daysWithData: number;
  totalExecutions: number;
}

export interface StoredReport {
  path: string;
  coverage: Coverage;
  /** The whole report when it is one of this version, else null (its coverage still counts). */
  report: Report | null;
}

/** The dated report file of a period that is exactly an ISO week or a calendar month; null for any other period. */
export function datedReportPathOf(logsDir: string, period: Pick<Period, 'kind' | 'label' | 'from' | 'to'>): string | null {
  const same = (range: { from: string; to: string } | null) => range !== null && range.from === period.from && range.to === period.to;
  if (period.kind === 'weekly' && same(isoWeekRange(period.label))) return weeklyReportPath(logsDir, period.label);
  if (period.kind === 'monthly' && same(monthRange(period.label))) return monthlyReportPath(logsDir, period.label);
  return null;
}

/** The dated report file of an ISO week ("2026-W47") or a month ("2026-11"). */
export function datedReportPath(logsDir: string, kind: 'weekly' | 'monthly', label: string): string {
  return kind === 'weekly' ? weeklyReportPath(logsDir, label) : monthlyReportPath(logsDir, label);
}

/**
 * A report file under metrics/, written whole or not at all and never through
 * a link. `durable` (fsync) where retention removes the day folders it counts next.
 */
export function writeReportFile(logsDir: string, path: string, value: unknown, options: { durable?: boolean } = {}): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { ...options, within: logsDir });
}

// What a dated report must say to count as finished: its range complete.
// What it counted may be missing or odd (an older or hand-edited file): then it
// is taken as counting everything, so it is never replaced.
const counted = () => z.catch(z.number(), Infinity);
const finishedReport = memo(() =>
  z.looseObject({
    range: z.looseObject({ complete: z.literal(true) }),
    dataQuality: z.catch(z.looseObject({ daysWithData: counted() }), { daysWithData: Infinity }),
    summary: z.catch(z.looseObject({ totalExecutions: counted() }), { totalExecutions: Infinity }),
  }),
);

/** The complete dated report at `path`; null when there is none (missing, unreadable, or written while its period still ran). */
export function readFinishedReport(path: string): StoredReport | null {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const finished = finishedReport().safeParse(json);
  if (!finished.success) return null;
  const coverage = { daysWithData: finished.data.dataQuality.daysWithData, totalExecutions: finished.data.summary.totalExecutions };
  const parsed = Report.safeParse(json);
  return { path, coverage, report: parsed.success ? parsed.data : null };
}

/**
 * Whether a report built now may stand for (and replace) a finished one: only
 * when it counts at least the day folders and executions the stored one did.
 * Fewer means day folders went since (retention, or a day rebuilt from what
 * was left of it), and the stored report is the truth.
 */
export function coversAsMuch(stored: Coverage, rebuilt: Pick<Report, 'dataQuality' | 'summary'>): boolean {
  return rebuilt.dataQuality.daysWithData >= stored.daysWithData && rebuilt.summary.totalExecutions >= stored.totalExecutions;
}
