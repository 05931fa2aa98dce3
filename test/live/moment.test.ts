import { appendFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { daySpendOf, isPricedLine } from '../../src/analytics/day-spend';
import { summarizeDay } from '../../src/analytics/day-summary';
import { generateSessions } from '../../src/demo/generate';
import { feedSessions, writeSessionFiles } from '../../src/demo/generate-io';
import { importTranscripts } from '../../src/import/import';
import { fromCompletions } from '../../src/live/day-source';
import { readMoment } from '../../src/live/moment';
import { recordsFallback } from '../../src/live/records-fallback';
import { dayReader, loadStatus } from '../../src/rollup/status-source';
import { DEFAULT_CONFIG, type BudgetRule, type Config } from '../../src/schema/config';
import { readCompletions } from '../../src/store/completion-lines';
import { completionsPath, summaryPath } from '../../src/store/paths';
import { localDay } from '../../src/time/period.js';
import { listDays, readDayFacts } from '../../src/store/records';
import { addSession } from '../support/fixtures';
import { allRecords } from '../support/replay';
import { runCli } from '../support/cli';

// The statusline and the SessionStart alert read each day's spend from its
// completion lines; status, check and the dashboard from rollups and records.
// For the same store and the same clock, every budget must burn the same.

const BUDGETS: BudgetRule[] = [
  { period: 'day', usd: 5 },
  { period: 'week', usd: 40, billedTokens: 50_000_000 },
  { period: 'month', billedTokens: 500_000_000 },
  { period: 'week', agentType: '*review*', usd: 10, name: 'reviews' },
];
const config: Config = { ...DEFAULT_CONFIG, budgets: BUDGETS };
const noIssue = () => {};

function statuslineBudgets(logsDir: string, now: number) {
  return readMoment({ logsDir, config, now, session: null, onIssue: noIssue, fallback: () => recordsFallback }).budgets;
}

async function statusBudgets(logsDir: string, now: number) {
  const { status } = await loadStatus({ logsDir, config, now, active: [], onIssue: noIssue, readDay: dayReader(logsDir, now, noIssue), warnings: () => [] });
  return status.budgets;
}

/** Every day of the store is read from its completion lines, not from the records. */
function expectLinesStandForRecords(logsDir: string): void {
  const days = listDays(logsDir);
  expect(days.length).toBeGreaterThan(0);
  for (const day of days) expect(fromCompletions(logsDir, day, Date.now()), day).not.toBeNull();
}

/** The part of a day summary the lines give, from the records. */
function recordsSpend(logsDir: string, day: string) {
  const summary = summarizeDay(day, readDayFacts(logsDir, day, noIssue));
  const agents = Object.fromEntries(
    Object.entries(summary.agents).map(([agent, a]) => [
      agent,
      { executions: a.executions, success: a.success, partial: a.partial, failed: a.failed, durations: a.durations, tokens: a.tokens, models: a.models, longContextModels: a.longContextModels, lastSuccessAt: a.lastSuccessAt },
    ]),
  );
  return { day, executions: summary.executions, agents };
}

describe('a generated week', () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-moment-'));
  const logsDir = join(root, 'project', '.claude', 'execution-logs');
  const sessions = generateSessions({ startDay: new Date(2026, 10, 2).getTime(), days: 7, promptsPerDay: 12, seed: 7, projectDir: join(root, 'project'), claudeHome: join(root, 'claude'), rareOutcomeRate: 0.04 });
  writeSessionFiles(join(root, 'claude'), sessions);
  feedSessions(logsDir, sessions, DEFAULT_CONFIG);
  // The last day of the week, in the evening: every budget period holds days of it.
  const now = new Date(2026, 10, 8, 21, 0).getTime();

  test('each day sums from its lines exactly as from its records', () => {
    expectLinesStandForRecords(logsDir);
    for (const day of listDays(logsDir)) {
      const lines = [...readCompletions(logsDir, day)!.values()].filter(isPricedLine);
      expect(daySpendOf(day, lines)).toEqual(recordsSpend(logsDir, day));
    }
  });

  test('the statusline burns each budget as status and check do', async () => {
    const fromLines = statuslineBudgets(logsDir, now);
    expect(fromLines).toHaveLength(5);
    expect(fromLines.find((b) => b.period === 'week' && b.metric === 'usd' && b.agentType === null)!.spent).toBeGreaterThan(0);
    expect(fromLines.find((b) => b.name === 'reviews')!.executions).toBeGreaterThan(0);
    expect(fromLines).toEqual(await statusBudgets(logsDir, now));
  });

  test('lines written before they carried tokens: that day is read from its records, to the same figures', async () => {
    const before = statuslineBudgets(logsDir, now);
    const day = localDay(now);
    const path = completionsPath(logsDir, day);
    const original = readFileSync(path, 'utf8');
    try {
      const old = original.split('\n').filter(Boolean).map((text) => {
        const { model: _m, tokens: _t, ...rest } = JSON.parse(text) as Record<string, unknown>;
        return JSON.stringify(rest);
      });
      writeFileSync(path, `${old.join('\n')}\n`);
      expect(fromCompletions(logsDir, day, now)).toBeNull();
      expect(statuslineBudgets(logsDir, now)).toEqual(before);
    } finally {
      writeFileSync(path, original);
    }
  });

  test('a line whose record is gone (an orphan merged into its run) counts for nothing', () => {
    const day = localDay(now);
    const path = completionsPath(logsDir, day);
    const original = readFileSync(path, 'utf8');
    const before = fromCompletions(logsDir, day, now)!.spend;
    try {
      const line = JSON.parse(original.split('\n')[0]!) as Record<string, unknown>;
      appendFileSync(path, `${JSON.stringify({ ...line, executionId: 'orphan-without-record', revision: 1 })}\n`);
      expect(fromCompletions(logsDir, day, now)!.spend).toEqual(before);
    } finally {
      writeFileSync(path, original);
    }
  });

  test('a record with no line of its own sends the day to the records', () => {
    const day = localDay(now);
    const path = completionsPath(logsDir, day);
    const original = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, `${original.split('\n').filter(Boolean).slice(1).join('\n')}\n`);
      expect(fromCompletions(logsDir, day, now)).toBeNull();
    } finally {
      writeFileSync(path, original);
    }
  });
});

describe('real Claude Code sessions, imported', () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-moment-import-'));
  const projectsDir = join(root, 'claude', 'projects');
  const project = '/home/dev/shop-api';
  addSession(projectsDir, project, 'fanout', '2.1.332');
  addSession(projectsDir, project, 'nested-background', '2.1.332');
  addSession(projectsDir, project, 'single', '2.1.197');
  const logsDir = join(root, 'logs');
  importTranscripts({ projectsDir, project, logsDir, since: null, dryRun: false, configFor: () => DEFAULT_CONFIG, clock: Date.now });
  const records = allRecords(logsDir);
  // Late on the day of the last run.
  const last = records[records.length - 1]!.metrics.startTime;
  const lastDay = new Date(last);
  const now = Math.max(last + 60_000, new Date(lastDay.getFullYear(), lastDay.getMonth(), lastDay.getDate(), 23, 0).getTime());

  test('imported runs carry their model and billed tokens in their lines', () => {
    expect(records.length).toBeGreaterThan(3);
    expectLinesStandForRecords(logsDir);
    for (const day of listDays(logsDir)) {
      const lines = [...readCompletions(logsDir, day)!.values()];
      for (const line of lines) expect(isPricedLine(line)).toBe(true);
      expect(daySpendOf(day, lines.filter(isPricedLine))).toEqual(recordsSpend(logsDir, day));
    }
  });

  test('the statusline burns each budget as status and check do', async () => {
    const fromLines = statuslineBudgets(logsDir, now);
    expect(fromLines.find((b) => b.period === 'month' && b.metric === 'billedTokens')!.spent).toBeGreaterThan(0);
    expect(fromLines).toEqual(await statusBudgets(logsDir, now));
  });
});

describe('a generated week whose first days retention pruned', () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-moment-pruned-'));
  const logsDir = join(root, 'project', '.claude', 'execution-logs');
  const sessions = generateSessions({ startDay: new Date(2026, 10, 2).getTime(), days: 7, promptsPerDay: 12, seed: 11, projectDir: join(root, 'project'), claudeHome: join(root, 'claude') });
  writeSessionFiles(join(root, 'claude'), sessions);
  feedSessions(logsDir, sessions, DEFAULT_CONFIG);
  const now = new Date(2026, 10, 8, 21, 0).getTime();
  // Written long before the test's now, as a store pruned in its time would be (prune keeps a day only once its rollup is settled).
  const age = (path: string) => {
    const at = new Date(now - 3_600_000);
    if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) age(join(path, name));
    utimesSync(path, at, at);
  };
  age(logsDir);
  const pruned = runCli(['--logs-dir', logsDir, 'prune', '--raw', '3d'], { env: { AGENT_TRACK_NOW: new Date(now).toISOString() } });

  test('reads the pruned days from their rollups, and burns each budget as status and check do', async () => {
    expect(pruned.status, pruned.stderr).toBe(0);
    const days = listDays(logsDir);
    const gone = days.filter((day) => !existsSync(completionsPath(logsDir, day)) && existsSync(summaryPath(logsDir, day)));
    expect(gone.length).toBeGreaterThanOrEqual(3);
    for (const day of days) expect(fromCompletions(logsDir, day, now), day).not.toBeNull();
    const fromLines = statuslineBudgets(logsDir, now);
    expect(fromLines.find((b) => b.period === 'week' && b.metric === 'billedTokens')!.executions).toBeGreaterThan(0);
    expect(fromLines).toEqual(await statusBudgets(logsDir, now));
  });
});
