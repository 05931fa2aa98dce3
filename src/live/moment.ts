import { alertsOf, type Alerts } from '../analytics/alerts.js';
import { budgetsFrom, budgetStates } from '../analytics/budgets.js';
import { costOf } from '../analytics/cost.js';
import type { DaySpend } from '../analytics/day-spend.js';
import { addTokens, emptyTokens } from '../analytics/day-summary.js';
import { addDays, localDay } from '../time/period.js';
import { agentHealth, typicalDurations, type HealthRun } from '../analytics/status.js';
import { unrecordedRuns } from '../capture/sweep.js';
import type { RunningExecution } from '../analytics/status.js';
import type { BudgetState } from '../schema/budgets.js';
import type { Config } from '../schema/config.js';
import type { TokenSums } from '../schema/summary.js';
import { listDays, type IssueSink } from '../store/day-folders.js';
import { readDaySpend, type RecordsFallback } from './day-source.js';
import type { StatuslineCache } from './statusline-cache.js';

// What the statusline and the SessionStart alert need right now: runs in
// flight, today's cost, each budget's burn, and the agents whose health is
// failed. Each day comes from its completion lines when they stand for its
// records, else from its rollup or records (see day-source.ts): the same
// figures either way. Health is judged on today's runs: enough to catch an
// agent failing now.

/** Days of history behind the expected durations of running agents. */
const TYPICAL_DAYS = 7;

export interface Moment {
  running: RunningExecution[];
  /** Each running agent type's median duration over the last days (ms): what the line shows. */
  typical: Map<string, number>;
  today: { usd: number; unpricedExecutions: number; executions: number };
  budgets: BudgetState[];
  alerts: Alerts;
  /** The first day read (for the budgets' periods and, while an agent runs, expected times). */
  from: string;
  /** No run of the session is unrecorded, running or not (a line without one can be kept: line-snapshot.ts). */
  quiet: boolean;
  /** The first start after `now` among today's runs (null: none): agent health counts only runs started by `now`, so its verdict may change then. */
  nextStart: number | null;
}

export interface MomentInput {
  logsDir: string;
  config: Config;
  now: number;
  /** Only this session's runs in flight are read (null: every session's). */
  session: string | null;
  onIssue: IssueSink;
  /** The records and rollups, asked for only by a day whose completion lines do not do. */
  fallback: () => RecordsFallback;
  /** Each day's spend through the statusline's cache (statusline-cache.ts; the caller saves it). Absent: every day is read afresh. */
  cache?: StatuslineCache;
}

export function readMoment({ logsDir, config, now, session, onIssue, fallback, cache }: MomentInput): Moment {
  const today = localDay(now);
  const unrecorded = unrecordedRuns(logsDir, config, now, session ?? undefined);
  const running = unrecorded.filter((run) => run.closes === null).map((run) => run.execution);
  const budgetFrom = budgetsFrom(config.budgets, today);
  // Days before today are read for the budgets' periods and, only while an agent runs, for its expected time.
  const historyFrom = running.length ? addDays(today, -TYPICAL_DAYS) : today;
  const from = budgetFrom !== null && budgetFrom < historyFrom ? budgetFrom : historyFrom;
  const days: DaySpend[] = [];
  let runs: HealthRun[] = [];
  for (const day of listDays(logsDir)) {
    if (day < from || day > today) continue;
    const readDay = () => readDaySpend(logsDir, day, now, onIssue, fallback);
    const read = cache ? cache.day(day, day < today, readDay) : readDay();
    days.push(read.spend);
    if (day === today) runs = read.runs();
  }

  const todays = days.find((d) => d.day === today);
  const models: Record<string, TokenSums> = {};
  const longModels: Record<string, TokenSums> = {};
  for (const agent of Object.values(todays?.agents ?? {})) {
    for (const [model, sums] of Object.entries(agent.models)) addTokens((models[model] ??= emptyTokens()), sums);
    for (const [model, sums] of Object.entries(agent.longContextModels)) addTokens((longModels[model] ??= emptyTokens()), sums);
  }
  const cost = costOf(models, longModels, config.prices);
  const budgets = budgetStates({ budgets: config.budgets, days, prices: config.prices, now, today });
  const history = days.filter((d) => d.day >= historyFrom);
  return {
    running,
    // Only the running agents' expected times are shown.
    typical: typicalDurations(history, new Set(running.map((r) => r.agentType))),
    today: { usd: cost.pricedUsd, unpricedExecutions: cost.unpricedExecutions, executions: todays?.executions ?? 0 },
    budgets,
    alerts: alertsOf(budgets, agentHealth(runs, history, now)),
    from,
    quiet: unrecorded.length === 0,
    nextStart: runs.reduce<number | null>((next, run) => (run.metrics.startTime > now && (next === null || run.metrics.startTime < next) ? run.metrics.startTime : next), null),
  };
}
