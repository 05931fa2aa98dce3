import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { DAY_MS, formatDurationSetting } from '../time/duration.js';
import { isoWeekOf, localDay } from '../time/period.js';
import { listInFlight, listToClose, sweepInFlight } from '../capture/sweep.js';
import type { Config } from '../schema/config.js';
import { DAY_NAME, monthlyReportPath, PRUNE_LOG, stateRoot, weeklyReportPath } from '../store/paths.js';
import { listOrReport, notOursReason, type RunContext } from './context.js';
import { pruneRawRecords, removeDayFolder } from './days.js';
import { cutoffsOf, dayFolderExpired, isDayName, rawExpired, reportsNeededFor, type RetentionPolicy } from './policy.js';
import { entryAt, errorText } from './remove.js';
import { hasCompleteReport, pruneDatedReports, readsBackWhole, type DatedKind } from './reports.js';
import { Ledger, type InFlightToClose, type PruneResult } from './result.js';
import { pruneSessionState } from './sessions.js';


// One prune: close what is in flight past the timeout, then per day its raw
// records and, later, its folder; then the dated reports; then the state of
// finished sessions. Each unit is done on its own: one that fails is
// reported and the rest still happens.

export interface PruneInput {
  /** The logs folder as configured: the sweep writes records exactly where the hook would. */
  logsDir: string;
  /** Its real path (see guard.ts): nothing outside it is removed. */
  root: string;
  config: Config;
  policy: RetentionPolicy;
  now: number;
  dryRun: boolean;
  /**
   * Writes the dated report of an ISO week or a month from the day summaries
   * still there; returns its path, or null when the period had no executions.
   */
  writeReport: (kind: DatedKind, label: string) => string | null;
}

/** Session state is kept at least this long after its last change, whatever the in-flight timeout. */
export const MIN_STATE_GRACE_MS = DAY_MS;
/** prune.log (cron's output) is rotated to prune.log.1 past this size. */
export const PRUNE_LOG_MAX_BYTES = 1024 * 1024;

export function prune(input: PruneInput): PruneResult {
  const { root, now, dryRun, policy } = input;
  const cutoffs = cutoffsOf(policy, now);
  const ledger = new Ledger(root);
  const ctx: RunContext = { root, now, today: cutoffs.today, dryRun, ledger };

  const toClose = listToClose(input.logsDir, input.config, now).map((run) => ({
    executionId: run.executionId,
    agentType: run.agentType,
    startTime: new Date(run.startTime).toISOString(),
    lastActivity: new Date(run.lastActivity).toISOString(),
    reason: run.reason,
  }));
  let inFlightClosed = toClose.length;
  if (!dryRun) {
    const sweep = sweepInFlight(input.logsDir, input.config, now);
    inFlightClosed = sweep.closed;
    for (const error of sweep.errors) ledger.fail(stateRoot(root), `could not close an in-flight execution: ${error}`);
    rotateLog(ctx);
  }
  const running = runningByDay(input.logsDir, input.config, now);

  const days = dayFolders(ctx);
  const folders = days.filter((d) => dayFolderExpired(d, cutoffs));
  const rawFailed = new Set<string>();
  for (const day of days.filter((d) => rawExpired(d, cutoffs))) {
    const failures = ledger.failed.length;
    step(ctx, day, () => pruneRawRecords(ctx, day, running.get(day) ?? 0, folders.includes(day)));
    if (ledger.failed.length > failures) rawFailed.add(day);
  }
  const withoutReport = ensureReports(ctx, folders, cutoffs, input.writeReport);
  for (const day of folders) {
    const missing = withoutReport.get(day);
    // A run still going writes its record into its start day's folder: that folder stays (the raw step said why).
    if (running.has(day)) continue;
    // Records the raw step failed to remove are counted by the summary: the folder step would take them
    // for late arrivals and delete the summary that counts them, leaving a day of just those records.
    if (rawFailed.has(day)) ledger.keep(join(root, day), 'day folder kept: some of its raw records could not be removed (see Failed); a later run removes it');
    else if (missing) ledger.fail(join(root, day), `day folder kept: ${missing}`);
    else step(ctx, day, () => removeDayFolder(ctx, day));
  }
  pruneDatedReports(ctx, 'weekly', cutoffs.weeklyReports);
  pruneDatedReports(ctx, 'monthly', cutoffs.monthlyReports);
  pruneSessionState(ctx, Math.max(input.config.inFlightTimeoutMs, MIN_STATE_GRACE_MS));

  return resultOf(root, policy, now, dryRun, ledger, inFlightClosed, toClose);
}

/** The result of a run, from what its ledger collected; with a fresh ledger, the result of a run that found nothing. */
export function resultOf(root: string, policy: RetentionPolicy, now: number, dryRun: boolean, ledger: Ledger, inFlightClosed = 0, inFlightToClose: InFlightToClose[] = []): PruneResult {
  const cutoffs = cutoffsOf(policy, now);
  return {
    logsDir: root,
    dryRun,
    today: cutoffs.today,
    policy: {
      raw: formatDurationSetting(policy.rawMs),
      dailySummaries: formatDurationSetting(policy.dailySummariesMs),
      weeklyReports: formatDurationSetting(policy.weeklyReportsMs),
      monthlyReports: formatDurationSetting(policy.monthlyReportsMs),
    },
    keepFrom: { raw: cutoffs.raw, dailySummaries: cutoffs.dailySummaries, weeklyReports: cutoffs.weeklyReports, monthlyReports: cutoffs.monthlyReports },
    inFlightClosed,
    inFlightToClose,
    reportsWritten: ledger.reportsWritten,
    removed: ledger.removed,
    kept: ledger.kept,
    leftAlone: ledger.leftAlone,
    failed: ledger.failed,
    totals: ledger.totals(),
  };
}

/** Date-named folders before today, by lstat: a symlink or a file with a date name is reported, never entered. */
function dayFolders(ctx: RunContext): string[] {
  const entries = listOrReport(ctx, ctx.root) ?? [];
  const days: string[] = [];
  for (const entry of entries) {
    if (!DAY_NAME.test(entry.name)) continue;
    if (!isDayName(entry.name)) ctx.ledger.leaveAlone(entry.path, 'not a real date');
    else if (entry.kind !== 'dir') ctx.ledger.leaveAlone(entry.path, notOursReason(entry));
    else if (entry.name < ctx.today) days.push(entry.name);
  }
  return days.sort();
}

/** Days with an execution still running (started that day): the hook will write its record there. */
function runningByDay(logsDir: string, config: Config, now: number): Map<string, number> {
  const running = new Map<string, number>();
  for (const execution of listInFlight(logsDir, config, now)) {
    const day = localDay(execution.startTime);
    running.set(day, (running.get(day) ?? 0) + 1);
  }
  return running;
}

/**
 * The dated week and month reports of the day folders about to go, written
 * when missing, so their figures outlive the day summaries. Returns the days
 * whose report could not be written, with why.
 */
function ensureReports(ctx: RunContext, days: string[], cutoffs: ReturnType<typeof cutoffsOf>, writeReport: PruneInput['writeReport']): Map<string, string> {
  const { weeks, months } = reportsNeededFor(days, cutoffs);
  const failed = new Map<string, string>();
  const ensure = (kind: DatedKind, label: string, path: string) => {
    if (hasCompleteReport(path)) return;
    if (ctx.dryRun) {
      ctx.ledger.reportsWritten.push(ctx.ledger.rel(path));
      return;
    }
    try {
      const written = writeReport(kind, label);
      if (written && !readsBackWhole(written)) throw new Error(`${ctx.ledger.rel(written)} did not read back as a whole report`);
      if (written) ctx.ledger.reportsWritten.push(ctx.ledger.rel(written));
    } catch (error) {
      failed.set(label, `the report of ${label} could not be written first (${errorText(error)})`);
    }
  };
  for (const week of weeks) ensure('weekly', week, weeklyReportPath(ctx.root, week));
  for (const month of months) ensure('monthly', month, monthlyReportPath(ctx.root, month));
  const byDay = new Map<string, string>();
  if (failed.size === 0) return byDay;
  for (const day of days) {
    const reason = failed.get(isoWeekOf(day)) ?? failed.get(day.slice(0, 7));
    if (reason) byDay.set(day, reason);
  }
  return byDay;
}

function step(ctx: RunContext, day: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    ctx.ledger.fail(join(ctx.root, day), errorText(error));
  }
}

/** Cron appends every run's output to prune.log: keep it from growing forever. */
function rotateLog(ctx: RunContext): void {
  const log = entryAt(join(ctx.root, PRUNE_LOG));
  if (!log || log.kind !== 'file' || Number(log.stat.size) <= PRUNE_LOG_MAX_BYTES) return;
  try {
    renameSync(log.path, `${log.path}.1`);
  } catch (error) {
    ctx.ledger.fail(log.path, `could not rotate: ${errorText(error)}`);
  }
}
