import { summarizeDay } from '../analytics/day-summary.js';
import { budgetsFrom, budgetStates } from '../analytics/budgets.js';
import { buildStatus, foldersForRecentRuns, HEALTH_THRESHOLDS as T, type RunningExecution } from '../analytics/status.js';
import type { Config } from '../schema/config.js';
import type { ExecutionFacts } from '../schema/facts.js';
import type { Status } from '../schema/status.js';
import { localDay, addDays, daysBetween } from '../time/period.js';
import { listDays, readAgentDayFacts, RecordFolderCache, type IssueSink } from '../store/records.js';
import { DAY_MS } from '../time/duration.js';
import { SummarySource } from './summary-source.js';

// What the status reads: the last 24 hours record by record, older days
// through their rollups (status, check and the dashboard share it).

/** A day's records, each day read once per run. */
export type DayReader = (day: string) => ExecutionFacts[];

/** `cache` carries record folders over from an earlier refresh (status --watch); only changed folders are read again. */
export function dayReader(logsDir: string, now: number, onIssue: IssueSink, cache = new RecordFolderCache()): DayReader {
  const days = new Map<string, ExecutionFacts[]>();
  return (day) => {
    let records = days.get(day);
    if (!records) days.set(day, (records = cache.readDay(logsDir, day, now, onIssue)));
    return records;
  };
}

export interface StatusInput {
  logsDir: string;
  config: Pick<Config, 'budgets' | 'prices'>;
  now: number;
  /** The runs in flight, listed after the sweep. */
  active: RunningExecution[];
  onIssue: IssueSink;
  readDay: DayReader;
  /** The warnings so far, read once everything is loaded: the status JSON carries them. */
  warnings: () => string[];
}

/**
 * Everything the status needs, read as cheaply as it can be: the days that
 * overlap the last 24 hours are read whole; older days come from their
 * rollups, except the record folders of agents whose latest runs reach back
 * into them (see foldersForRecentRuns).
 */
export async function loadStatus(input: StatusInput): Promise<{ status: Status; hasData: boolean }> {
  const { logsDir, config, now, active, onIssue, readDay } = input;
  const today = localDay(now);
  const recorded = new Set(listDays(logsDir));

  const whole = daysBetween(localDay(now - DAY_MS), today).filter((day) => recorded.has(day));
  const historyFrom = addDays(today, -T.historyDays);
  const closedTo = addDays(localDay(now - DAY_MS), -1);
  const source = new SummarySource(logsDir, now, onIssue);
  // A month's budget may reach back further than the history.
  const budgetFrom = budgetsFrom(config.budgets, today);
  const from = budgetFrom !== null && budgetFrom < historyFrom ? budgetFrom : historyFrom;
  await source.prefetch(from, closedTo);
  const records = whole.flatMap((day) => readDay(day));
  const wholeFigures = whole.map((day) => summarizeDay(day, readDay(day)));
  const history = [...source.figuresOf(historyFrom, closedTo), ...wholeFigures];

  const recentFrom = localDay(now - T.recentDays * DAY_MS);
  for (const [day, agents] of foldersForRecentRuns(history.filter((d) => d.day >= recentFrom), new Set(whole))) {
    for (const agent of agents) records.push(...readAgentDayFacts(logsDir, day, agent, onIssue));
  }
  const budgetDays = budgetFrom === null ? [] : [...source.figuresOf(budgetFrom, closedTo), ...wholeFigures];
  const budgets = budgetStates({ budgets: config.budgets, days: budgetDays, prices: config.prices, now, today });
  // A session begun days ago may still be going: its figures are filed under the day it began.
  const sessions = source.sessionsOf(historyFrom, today);
  const status = buildStatus({ now, active, history, records, warnings: input.warnings(), budgets, sessions, prices: config.prices });
  return { status, hasData: recorded.size > 0 || active.length > 0 };
}
