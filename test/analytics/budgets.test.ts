import { describe, expect, test } from 'vitest';
import { alertsOf } from '../../src/analytics/alerts.js';
import { budgetRange, budgetsFrom, budgetStates } from '../../src/analytics/budgets.js';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import type { BudgetRule } from '../../src/schema/config.js';
import type { AgentExecution } from '../../src/schema/record.js';
import { localDay } from '../../src/time/period.js';
import { at, makeRecord } from './make-record.js';

// Budgets burn in their own period (today, this ISO week, this month) and
// forecast the period's end from the period's own rate. Every run costs $1 here.

const PRICES = { 'test-model': { input: 10, output: 10, cacheWrite: 10, cacheRead: 10 } };
let seq = 0;
const run = (agent: string, start: number): AgentExecution =>
  makeRecord({ id: `b${++seq}`, agent, start, model: 'test-model', tokens: { input: 100_000, output: 0 } });

function states(budgets: BudgetRule[], records: AgentExecution[], now: number) {
  const byDay = new Map<string, AgentExecution[]>();
  for (const r of records) byDay.set(localDay(r.metrics.startTime), [...(byDay.get(localDay(r.metrics.startTime)) ?? []), r]);
  const days = [...byDay].map(([day, list]) => summarizeDay(day, list));
  return budgetStates({ budgets, days, prices: PRICES, now, today: localDay(now) });
}

// Wednesday 2026-11-25, noon: half of the day, 5/14 of the ISO week, 24.5/30 of November.
const NOW = at(2026, 11, 25, 12);

describe('budgets', () => {
  test('periods are today, the ISO week (Monday to Sunday) and the calendar month', () => {
    expect(budgetRange('day', '2026-11-25')).toEqual({ from: '2026-11-25', to: '2026-11-25' });
    expect(budgetRange('week', '2026-11-25')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(budgetRange('month', '2026-11-25')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(budgetsFrom([{ period: 'day', usd: 1 }, { period: 'month', usd: 1 }], '2026-11-25')).toBe('2026-11-01');
  });

  test('a day budget counts only today, forecasts from its own rate, and warns from 80%', () => {
    const records = [run('a', at(2026, 11, 24, 10)), ...Array.from({ length: 4 }, (_, i) => run('a', at(2026, 11, 25, 8 + i)))];
    const [day] = states([{ period: 'day', usd: 5 }], records, NOW);
    expect(day).toMatchObject({ name: 'day · all agents', metric: 'usd', spent: 4, limit: 5, share: 80, forecast: 8, forecastShare: 160, state: 'warning', executions: 4 });
  });

  test('per agent type with a glob, on billed tokens, spent at the cap', () => {
    const records = [run('security-scan', at(2026, 11, 23, 9)), run('security-audit', at(2026, 11, 24, 9)), run('planner', at(2026, 11, 24, 9))];
    const [week] = states([{ name: 'security', period: 'week', agentType: 'security-*', billedTokens: 200_000 }], records, NOW);
    expect(week).toMatchObject({ name: 'security', metric: 'billedTokens', spent: 200_000, share: 100, state: 'spent', executions: 2 });
    // 2.5 days of 7 gone: 200k / (2.5 / 7) = 560k by Sunday night.
    expect(week!.forecast).toBe(560_000);
  });

  test('a budget with both caps gives one entry per metric; too early in the period gives no forecast', () => {
    const early = at(2026, 11, 25, 0, 30);
    const list = states([{ period: 'day', usd: 10, billedTokens: 10_000_000, warnAt: 50 }], [run('a', at(2026, 11, 25, 0, 10))], early);
    expect(list.map((b) => [b.metric, b.spent, b.forecast, b.state])).toEqual([
      ['usd', 1, null, 'ok'],
      ['billedTokens', 100_000, null, 'ok'],
    ]);
  });

  test('alerts: a spent budget and a failed agent are problems, a warning is not', () => {
    const records = [...Array.from({ length: 3 }, (_, i) => run('a', at(2026, 11, 25, 8 + i)))];
    const budgets = states([{ name: 'daily', period: 'day', usd: 3 }, { name: 'monthly', period: 'month', usd: 3.5 }], records, NOW);
    const health = {
      tester: { status: 'failed' as const, reason: 'its last 3 runs failed', lastSuccess: null, lastExecution: '2026-11-25T10:00:00.000Z', recentExecutions: 3, recentErrorRate: 100, consecutiveFailures: 3, avgDuration: 1000, recentStatuses: [] },
    };
    const alerts = alertsOf(budgets, health);
    expect(alerts.problems.map((p) => p.text)).toEqual(['budget "daily": $3.00 of $3.00 (100.0%) today', 'agent tester is failing: its last 3 runs failed']);
    expect(alerts.warnings.map((p) => p.text)).toEqual(['budget "monthly": $3.00 of $3.50 (85.7%) this month, heading for $3.67']);
  });
});
