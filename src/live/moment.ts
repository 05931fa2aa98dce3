import { alertsOf, type Alerts } from '../analytics/alerts.js';
import { budgetsFrom, budgetStates } from '../analytics/budgets.js';
import { costOf } from '../analytics/cost.js';
import { addTokens, emptyTokens, summarizeDay } from '../analytics/day-summary.js';
import { addDays, localDay } from '../time/period.js';
import { agentHealth, typicalDurations } from '../analytics/status.js';
import { listInFlight } from '../capture/sweep.js';
import type { RunningExecution } from '../analytics/status.js';
import type { BudgetState } from '../schema/budgets.js';
import type { Config } from '../schema/config.js';
import type { ExecutionFacts } from '../schema/facts.js';
import type { DayFigures, TokenSums } from '../schema/summary.js';
import { listDays, readDayFacts, type IssueSink } from '../store/records.js';
import { loadDay } from '../rollup/day-rollup.js';

// What the statusline and the SessionStart alert need right now: runs in
// flight, today's cost, each budget's burn, and the agents whose health is
// failed. Closed days come from their rollups, written once when missing or
// stale (the same rollups every report reads), so a statusline run after
// every message reads today's records and small summary files. Health is
// judged on today's runs: enough to catch an agent failing now.

/** Days of history behind the expected durations of running agents. */
const TYPICAL_DAYS = 7;

export interface Moment {
  running: RunningExecution[];
  /** Each agent type's median duration over the last days (ms). */
  typical: Map<string, number>;
  today: { usd: number; unpricedExecutions: number; executions: number };
  budgets: BudgetState[];
  alerts: Alerts;
}

/** `session`: only its runs in flight are read (null: every session's). */
export function readMoment(logsDir: string, config: Config, now: number, session: string | null, onIssue: IssueSink): Moment {
  const today = localDay(now);
  const budgetFrom = budgetsFrom(config.budgets, today);
  const historyFrom = addDays(today, -TYPICAL_DAYS);
  const from = budgetFrom !== null && budgetFrom < historyFrom ? budgetFrom : historyFrom;
  const figures: DayFigures[] = [];
  const records: ExecutionFacts[] = [];
  for (const day of listDays(logsDir)) {
    if (day < from || day > today) continue;
    if (day < today) {
      figures.push(loadDay(logsDir, day, { now, onIssue }).figures);
      continue;
    }
    const facts = readDayFacts(logsDir, day, onIssue);
    records.push(...facts);
    figures.push(summarizeDay(day, facts));
  }

  const todays = figures.find((f) => f.day === today);
  const models: Record<string, TokenSums> = {};
  const longModels: Record<string, TokenSums> = {};
  for (const agent of Object.values(todays?.agents ?? {})) {
    for (const [model, sums] of Object.entries(agent.models)) addTokens((models[model] ??= emptyTokens()), sums);
    for (const [model, sums] of Object.entries(agent.longContextModels)) addTokens((longModels[model] ??= emptyTokens()), sums);
  }
  const cost = costOf(models, longModels, config.prices);
  const budgets = budgetStates({ budgets: config.budgets, days: figures, prices: config.prices, now, today });
  const history = figures.filter((f) => f.day >= historyFrom);
  return {
    running: listInFlight(logsDir, config, now, session ?? undefined),
    typical: typicalDurations(history),
    today: { usd: cost.pricedUsd, unpricedExecutions: cost.unpricedExecutions, executions: todays?.executions ?? 0 },
    budgets,
    alerts: alertsOf(budgets, agentHealth(records, history, now)),
  };
}
