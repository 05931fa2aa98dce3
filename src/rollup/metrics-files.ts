import { trendsFilePath, weeklyReportFilePath } from '../store/paths.js';
import { addDays, customPeriod, isoWeekOf, isoWeekPeriod, monthPeriod, trailingWeek, type Period } from '../time/period.js';
import { coversAsMuch, datedReportPath, readFinishedReport, writeReportFile } from './dated-reports.js';
import { BASELINE_DAYS, type Reporter } from './reporter.js';

// The files every report run keeps current under metrics/: the design
// document's weekly-report.json and performance-trends.json, and the dated
// copies that outlive the day summaries they come from.

/** The window of metrics/performance-trends.json. */
const TRENDS_FILE_DAYS = 30;
/** Dated weekly copies are kept current for weeks this recent (retention keeps day summaries 30 days by default). */
const DATED_COPY_DAYS = 35;

/** The first day the metrics files need (with baselines), so one prefetch covers the whole run. */
export function metricsWindowStart(today: string): string {
  const lastMonth = `${addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7)}-01`;
  const oldestWeek = isoWeekPeriod(isoWeekOf(addDays(today, -DATED_COPY_DAYS)), today)!.from;
  const earliest = [lastMonth, oldestWeek, addDays(today, 1 - 2 * TRENDS_FILE_DAYS)].sort()[0]!;
  return addDays(earliest, -BASELINE_DAYS);
}

/**
 * metrics/weekly-report.json and metrics/performance-trends.json (the design
 * document's files), plus dated copies metrics/weekly/YYYY-Www.json (ISO
 * week) and metrics/monthly/YYYY-MM.json that outlive the day summaries they
 * come from. A dated copy is rewritten while its period runs or when it is
 * missing. A finished period's copy is rewritten only to take in a change to
 * one of its days (a day rebuilt in this run), and only while it would still
 * count everything it counted (see coversAsMuch).
 */
export function refreshMetricsFiles(logsDir: string, reporter: Reporter, today: string): void {
  writeReportFile(logsDir, weeklyReportFilePath(logsDir), reporter.report(trailingWeek(today, today), null));
  writeReportFile(logsDir, trendsFilePath(logsDir), reporter.trendsOf(customPeriod(addDays(today, 1 - TRENDS_FILE_DAYS), today, today), null));

  const dated = (path: string, period: Period) => {
    const stored = readFinishedReport(path);
    const touched = [...reporter.source.rebuilt].some((day) => day >= period.from && day <= period.to);
    if (stored && !touched) return;
    const report = reporter.report(period, null);
    if (report.summary.totalExecutions === 0) return;
    // A finished report outlives its day folders: rebuilt after one of them went, it would count only the days left.
    if (stored && !coversAsMuch(stored.coverage, report)) return;
    writeReportFile(logsDir, path, report);
  };
  const weeks = new Set<string>();
  for (let back = 0; back <= DATED_COPY_DAYS; back += 7) weeks.add(isoWeekOf(addDays(today, -back)));
  for (const week of [...weeks].sort()) dated(datedReportPath(logsDir, 'weekly', week), isoWeekPeriod(week, today)!);
  const thisMonth = today.slice(0, 7);
  const lastMonth = addDays(`${thisMonth}-01`, -1).slice(0, 7);
  for (const month of [lastMonth, thisMonth]) dated(datedReportPath(logsDir, 'monthly', month), monthPeriod(month, today)!);
}
