import type { ModelPrice } from '../schema/config.js';
import type { DayEntry, RecentExecution } from '../schema/dashboard.js';
import type { ExecutionFacts } from '../schema/facts.js';
import type { DayFigures } from '../schema/summary.js';
import { dailyPeriod, daysBetween, type Period } from '../time/period.js';
import { buildReport } from './report.js';

// The parts of the dashboard's data that no other command prints as a
// whole: a report summary per day (the stacked executions chart) and the
// table of recent executions. Pure.

/** Rows of the recent-executions table: enough for a day of a busy team, small enough to keep the page light. */
export const RECENT_EXECUTIONS_KEPT = 500;

/**
 * Each day's summary and per-agent tokens and cost exactly as `agent-track
 * report --daily DAY --json` gives them: the same report builder over that
 * one day. Neither depends on the baseline or the workflows, so none are
 * passed.
 */
export function dailySummaries(
  period: Pick<Period, 'from' | 'to'>,
  figures: readonly DayFigures[],
  prices: Readonly<Record<string, ModelPrice>>,
  today: string,
  now: number,
): DayEntry[] {
  const byDay = new Map(figures.map((f) => [f.day, f]));
  return daysBetween(period.from, period.to).map((day) => {
    const figure = byDay.get(day);
    const report = buildReport({
      period: dailyPeriod(day, today),
      days: figure ? [{ ...figure, workflows: {}, openPrompts: [] }] : [],
      baseline: [],
      baselineDays: 0,
      agents: null,
      prices,
      now,
    });
    return {
      day,
      summary: report.summary,
      agents: report.agentMetrics.map((a) => ({ agent: a.agent, executions: a.executions, tokensUsed: a.tokens.total, usd: a.cost.usd, pricedUsd: a.cost.pricedUsd })),
    };
  });
}

/** The latest executions first, as table rows. */
export function recentExecutions(records: readonly ExecutionFacts[], keep = RECENT_EXECUTIONS_KEPT): RecentExecution[] {
  return [...records]
    .sort((a, b) => b.metrics.startTime - a.metrics.startTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, keep)
    .map((r) => {
      const tokens = r.metrics.tokens;
      return {
        id: r.id,
        agent: r.agentType,
        status: r.result.status,
        startTime: new Date(r.metrics.startTime).toISOString(),
        duration: r.metrics.duration === null ? null : Math.round(r.metrics.duration),
        tokensUsed: r.metrics.tokensUsed,
        billedTokens: tokens === null ? null : tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead,
        errors: r.errors.length,
        errorTypes: [...new Set(r.errors.map((e) => e.type))],
        firstError: r.errors[0]?.message ?? null,
        background: r.request.context.background === true,
      };
    });
}
