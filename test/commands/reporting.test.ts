import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { addDays, daysBetween, isoWeekPeriod, monthPeriod, trailingWeek, type Period, localDay } from '../../src/time/period.js';
import type { CommandContext } from '../../src/commands/context.js';
import { runReporting } from '../../src/commands/reporting.js';
import { prune } from '../../src/retention/prune.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { Report } from '../../src/schema/report.js';
import { monthlyReportPath, summaryPath, weeklyReportPath } from '../../src/store/paths.js';
import { at, makeRecord } from '../analytics/make-record.js';
import { touchTree } from '../retention/store.js';
import { tempLogs, writeRecords } from '../store/store-helpers.js';

// The reporting pipeline in this process, on a pinned clock: the dated
// reports it keeps must never be rewritten from fewer days than they counted.

const DAY_MS = 86_400_000;
/** Noon on the 1st of a month, the day a test that counted days after a prune once broke. */
const NOW = at(2026, 12, 1, 12);
const TODAY = localDay(NOW);
const DAY = 8;

function context(logsDir: string, now = NOW): CommandContext & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  return {
    logsDir,
    configPath: join(logsDir, '..', 'agent-track.json'),
    config: DEFAULT_CONFIG,
    now,
    cwd: logsDir,
    env: {},
    stdout: sink((t) => (out += t)),
    stderr: sink((t) => (err += t)),
    color: false,
    width: Infinity,
    out: () => out,
    err: () => err,
  };
}

/** `perDay` records on each day from `from` to `to`, with file times at that day's noon (settled long before NOW). */
function storeOf(from: string, to: string, perDay: number): string {
  const logs = tempLogs();
  for (const day of daysBetween(from, to)) addRecords(logs, day, perDay, 'r');
  return logs;
}

/** Folder times at `hour` that day: a later hour for a later arrival, so the rollup sees its folder change. */
function addRecords(logs: string, day: string, count: number, prefix: string, hour = 12): void {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  writeRecords(
    logs,
    Array.from({ length: count }, (_, i) => makeRecord({ id: `${prefix}${day.replace(/-/g, '')}x${i}`, agent: i % 2 ? 'planner' : 'Explore', start: at(y, m, d, 9, i) })),
  );
  touchTree(join(logs, day), at(y, m, d, hour));
}

const readReport = (path: string) => Report.parse(JSON.parse(readFileSync(path, 'utf8')));

async function report(logs: string, now = NOW, period: Period = trailingWeek(localDay(now), localDay(now)), agents: string[] | null = null): Promise<ReturnType<typeof context>> {
  const ctx = context(logs, now);
  expect(await runReporting(ctx, { kind: 'report', period, agents, format: 'json', out: undefined })).toBe(0);
  return ctx;
}

function pruneDaySummaries(logs: string, keepDays: number): void {
  const result = prune({
    logsDir: logs,
    root: logs,
    config: DEFAULT_CONFIG,
    policy: { ...DEFAULT_CONFIG.retention, rawMs: keepDays * DAY_MS, dailySummariesMs: keepDays * DAY_MS },
    now: NOW,
    dryRun: false,
    // The report runs before wrote every dated report these days need.
    writeReport: () => {
      throw new Error('no dated report should be missing');
    },
  });
  expect(result.failed).toEqual([]);
}

describe('dated reports outlive the day folders they were built from', () => {
  test('a finished month is not rewritten from the days left after a prune, when one of them is rebuilt', async () => {
    const logs = storeOf('2026-11-01', addDays(TODAY, -1), DAY);
    await report(logs);
    const month = monthlyReportPath(logs, '2026-11');
    expect(readReport(month).range.complete).toBe(true);
    expect(readReport(month).summary.totalExecutions).toBe(30 * DAY);
    // 2026-W48 runs from 2026-11-23, a day the prune below removes, to 2026-11-29, one it keeps.
    const week = weeklyReportPath(logs, '2026-W48');
    expect(readReport(week).summary.totalExecutions).toBe(7 * DAY);

    pruneDaySummaries(logs, 7);
    expect(readReport(month).summary.totalExecutions).toBe(30 * DAY);

    // Two triggers of a rebuild of a surviving day: its first summary build, and a record arriving late.
    rmSync(summaryPath(logs, '2026-11-30'));
    addRecords(logs, '2026-11-28', 1, 'late', 20);
    await report(logs);
    expect(readReport(month).summary.totalExecutions).toBe(30 * DAY);
    expect(readReport(month).dataQuality.daysWithData).toBe(30);
    expect(readReport(week).summary.totalExecutions).toBe(7 * DAY);
  });

  test('a finished week whose days are all still there is brought up to date by a late record', async () => {
    const logs = storeOf('2026-11-16', addDays(TODAY, -1), DAY);
    await report(logs);
    const week = weeklyReportPath(logs, '2026-W48');
    expect(readReport(week).summary.totalExecutions).toBe(7 * DAY);
    addRecords(logs, '2026-11-25', 1, 'late', 20);
    await report(logs);
    expect(readReport(week).summary.totalExecutions).toBe(7 * DAY + 1);
  });
});

describe('a finished week or month whose day folders are gone', () => {
  test('is shown from its dated report, saying so', async () => {
    const logs = storeOf('2026-11-01', addDays(TODAY, -1), DAY);
    await report(logs);
    pruneDaySummaries(logs, 7);

    const week = await report(logs, NOW, isoWeekPeriod('2026-W46', TODAY)!);
    const shown = Report.parse(JSON.parse(week.out()));
    expect(shown.summary.totalExecutions).toBe(7 * DAY);
    const note = 'shown from metrics/weekly/2026-W46.json, written ';
    expect(shown.warnings.some((w) => w.startsWith(note) && w.endsWith('7 of the 7 days it counts no longer have day folders (removed by retention)'))).toBe(true);
    expect(week.err()).toContain(`agent-track: warning: ${note}`);

    // A month partly gone: the month as it was, not the 7 days left.
    const month = Report.parse(JSON.parse((await report(logs, NOW, monthPeriod('2026-11', TODAY)!)).out()));
    expect(month.summary.totalExecutions).toBe(30 * DAY);
    expect(month.warnings.join('\n')).toContain('23 of the 30 days it counts no longer have day folders');
  });

  test('filtered by agent, gives what is left and names the dated report', async () => {
    const logs = storeOf('2026-11-01', addDays(TODAY, -1), DAY);
    await report(logs);
    pruneDaySummaries(logs, 7);
    const month = Report.parse(JSON.parse((await report(logs, NOW, monthPeriod('2026-11', TODAY)!, ['planner'])).out()));
    expect(month.summary.totalExecutions).toBe((7 * DAY) / 2);
    expect(month.warnings).toContain(
      `partial figures: metrics/monthly/2026-11.json counts ${30 * DAY} executions, but 23 of the 30 days it counts no longer have day folders (removed by retention); it is not broken down by --agent`,
    );
  });

  test('with every day folder still there, is computed from them as usual', async () => {
    const logs = storeOf('2026-11-01', addDays(TODAY, -1), DAY);
    await report(logs);
    const week = Report.parse(JSON.parse((await report(logs, NOW, isoWeekPeriod('2026-W46', TODAY)!)).out()));
    expect(week.summary.totalExecutions).toBe(7 * DAY);
    expect(week.warnings).toEqual([]);
  });
});
