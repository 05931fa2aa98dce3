import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { isTempFile } from '../store/atomic.js';
import { readFinishedReport } from '../rollup/dated-reports.js';
import { METRICS_DIR, MONTHLY_REPORTS_DIR, WEEKLY_REPORTS_DIR } from '../store/paths.js';
import { isAbandonedTemp, listOrReport, notOursReason, type RunContext } from './context.js';
import { diskSpace, entryAt, errorText, removeIfUnchanged } from './remove.js';
import { parseMonthlyReportName, parseWeeklyReportName } from './policy.js';

// The dated reports under metrics/: weekly/YYYY-Www.json and
// monthly/YYYY-MM.json, kept by the last day of their period.

export type DatedKind = 'weekly' | 'monthly';

/** Only what retention reads of a report: whether its period had ended when it was written. */
const CompleteReport = z.object({ range: z.object({ complete: z.literal(true) }) });

/** A dated report that covers its whole period (written after the period ended). */
export function hasCompleteReport(path: string): boolean {
  const entry = entryAt(path);
  if (!entry || entry.kind !== 'file') return false;
  try {
    return CompleteReport.safeParse(JSON.parse(readFileSync(path, 'utf8'))).success;
  } catch {
    return false;
  }
}

/**
 * Whether the dated report just written at `path` reads back whole: valid
 * JSON, a finished report of this version (the zod Report schema). Day folders
 * go only after this says yes, so a report the disk cut short never stands
 * for the days it was meant to replace.
 */
export function readsBackWhole(path: string): boolean {
  const entry = entryAt(path);
  return entry !== null && entry.kind === 'file' && readFinishedReport(path)?.report != null;
}

/** Removes the dated reports of one kind whose period ended before `cutoff`. */
export function pruneDatedReports(ctx: RunContext, kind: DatedKind, cutoff: string): void {
  const { ledger } = ctx;
  const metrics = entryAt(join(ctx.root, METRICS_DIR));
  if (!metrics) return;
  if (metrics.kind !== 'dir') {
    ledger.leaveAlone(metrics.path, notOursReason(metrics));
    return;
  }
  const folder = entryAt(join(metrics.path, kind === 'weekly' ? WEEKLY_REPORTS_DIR : MONTHLY_REPORTS_DIR));
  if (!folder) return;
  if (folder.kind !== 'dir') {
    ledger.leaveAlone(folder.path, notOursReason(folder));
    return;
  }
  const entries = listOrReport(ctx, folder.path);
  if (!entries) return;
  const parse = kind === 'weekly' ? parseWeeklyReportName : parseMonthlyReportName;
  for (const entry of entries) {
    const name = parse(entry.name);
    const abandoned = isAbandonedTemp(entry, ctx.now);
    if (!name && !abandoned) {
      if (!(entry.kind === 'file' && isTempFile(entry.name))) ledger.leaveAlone(entry.path, `${notOursReason(entry)} (not a dated ${kind} report name)`);
      continue;
    }
    if (entry.kind !== 'file') {
      ledger.leaveAlone(entry.path, notOursReason(entry));
      continue;
    }
    if (name && (name.lastDay >= cutoff || name.lastDay >= ctx.today)) continue;
    const size = diskSpace(entry);
    if (ctx.dryRun) {
      ledger.remove(kind === 'weekly' ? 'weeklyReport' : 'monthlyReport', entry.path, 1, size);
      continue;
    }
    try {
      if (removeIfUnchanged(entry) === 'removed') ledger.remove(kind === 'weekly' ? 'weeklyReport' : 'monthlyReport', entry.path, 1, size);
    } catch (error) {
      ledger.fail(entry.path, errorText(error));
    }
  }
}
