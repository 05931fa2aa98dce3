import { alertsOf, type Alerts } from '../analytics/alerts.js';
import { budgetsFrom, budgetStates } from '../analytics/budgets.js';
import { costOf } from '../analytics/cost.js';
import type { DaySpend } from '../analytics/day-spend.js';
import { addTokens, emptyTokens } from '../analytics/day-summary.js';
import { addDays, localDay } from '../time/period.js';
import { agentHealth, typicalDurations, type HealthRun } from '../analytics/status.js';
import { isLinkedOrphan } from '../capture/links.js';
import { SessionState } from '../capture/state.js';
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
  /**
   * What the line shows of the session's runs rests on its state folder alone, until `until`, so a line drawn from
   * it may be kept (line-snapshot.ts): every unrecorded run of it is running (none closed but not yet recorded),
   * and, while one runs, no agent of it waits to be linked to its Agent call (which run it is then rests on
   * Claude Code's meta file, outside the state folder: capture/links.ts).
   */
  keepable: boolean;
  /**
   * The first clock at which what was read may read otherwise (null: none): the first start after `now` among
   * today's runs (agent health counts only runs started by `now`, so its verdict may change then), or a running
   * run reaching the in-flight timeout (then closed as interrupted, no longer running).
   */
  until: number | null;
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
  // Running while its last sign of life is at most the timeout old (capture/sweep.ts): at that clock the line may read otherwise.
  // A sign of life only moves later (a hook event, its transcript written), so this bound errs early, never late.
  const timesOut = running.map((run) => run.lastActivity + config.inFlightTimeoutMs);
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
    keepable: unrecorded.every((run) => run.closes === null) && (running.length === 0 || (session !== null && !agentUnlinked(logsDir, session))),
    until: earliest([...runs.map((run) => run.metrics.startTime).filter((start) => start > now), ...timesOut]),
  };
}

/** An agent of the session filed under its own id and not linked to its Agent call yet (as SubagentStart files it: capture/ingest.ts). */
function agentUnlinked(logsDir: string, session: string): boolean {
  const state = new SessionState(logsDir, session);
  return state.execKeys().some((key) => key.startsWith('a-') && !isLinkedOrphan(state, key));
}

function earliest(times: readonly number[]): number | null {
  return times.length ? Math.min(...times) : null;
}
