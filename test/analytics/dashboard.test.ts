import { describe, expect, test } from 'vitest';
import { dailySummaries, recentExecutions } from '../../src/analytics/dashboard.js';
import { oneLine } from '../../src/analytics/format.js';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import { customPeriod, dailyPeriod } from '../../src/time/period.js';
import { buildReport } from '../../src/analytics/report.js';
import type { AgentExecution } from '../../src/schema/record.js';
import { at, makeRecord } from './make-record.js';

const NOW = at(2026, 11, 25, 18);
const PRICES = { 'claude-opus-4-8': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 } };

const records: AgentExecution[] = [
  makeRecord({ id: 'a', agent: 'planner', start: at(2026, 11, 23, 9), duration: 1000 }),
  makeRecord({ id: 'b', agent: 'planner', start: at(2026, 11, 23, 10), duration: 3000, status: 'partial' }),
  makeRecord({ id: 'c', agent: 'tester', start: at(2026, 11, 23, 11), duration: 2000, status: 'failed', model: 'mystery-model' }),
  makeRecord({ id: 'd', agent: 'tester', start: at(2026, 11, 25, 8), duration: 5000 }),
];
const days = [summarizeDay('2026-11-23', records.slice(0, 3)), summarizeDay('2026-11-25', records.slice(3))];

describe('dailySummaries', () => {
  const daily = dailySummaries({ from: '2026-11-22', to: '2026-11-25' }, days, PRICES, '2026-11-25', NOW);

  test('has one entry per day of the period, empty days included', () => {
    expect(daily.map((d) => [d.day, d.summary.totalExecutions])).toEqual([
      ['2026-11-22', 0],
      ['2026-11-23', 3],
      ['2026-11-24', 0],
      ['2026-11-25', 1],
    ]);
  });

  test("each day's summary is the daily report's summary", () => {
    const report = buildReport({ period: dailyPeriod('2026-11-23', '2026-11-25'), days: [days[0]!], baseline: [], baselineDays: 28, agents: null, prices: PRICES, now: NOW });
    expect(daily[1]!.summary).toEqual(report.summary);
    expect(daily[1]!.agents).toEqual(
      report.agentMetrics.map((a) => ({ agent: a.agent, executions: a.executions, tokensUsed: a.tokens.total, usd: a.cost.usd, pricedUsd: a.cost.pricedUsd })),
    );
  });

  test('the days add up to the period report', () => {
    const period = buildReport({ period: customPeriod('2026-11-22', '2026-11-25', '2026-11-25'), days, baseline: [], baselineDays: 28, agents: null, prices: PRICES, now: NOW });
    const sum = (key: 'totalExecutions' | 'succeeded' | 'partial' | 'failed' | 'totalTokensUsed') => daily.reduce((n, d) => n + d.summary[key], 0);
    expect([sum('totalExecutions'), sum('succeeded'), sum('partial'), sum('failed'), sum('totalTokensUsed')]).toEqual([
      period.summary.totalExecutions,
      period.summary.succeeded,
      period.summary.partial,
      period.summary.failed,
      period.summary.totalTokensUsed,
    ]);
  });

  test('an agent with unpriced runs keeps the priced part of its cost', () => {
    const tester = daily[1]!.agents.find((a) => a.agent === 'tester')!;
    expect(tester.usd).toBeNull();
    expect(tester.pricedUsd).toBe(0);
    expect(daily[1]!.agents.find((a) => a.agent === 'planner')!.usd).toBeGreaterThan(0);
  });
});

describe('recentExecutions', () => {
  test('latest first, bounded, with what the table shows', () => {
    const rows = recentExecutions(records, 2);
    expect(rows.map((r) => r.id)).toEqual(['d', 'c']);
    expect(rows[1]).toMatchObject({ agent: 'tester', status: 'failed', duration: 2000, tokensUsed: 170, billedTokens: 170, errors: 0, errorTypes: [], firstError: null, background: false });
    expect(rows[1]!.startTime).toBe(new Date(at(2026, 11, 23, 11)).toISOString());
  });

  test('error types once each, and the first message whole (the page shortens it where it shows it)', () => {
    const record = makeRecord({
      id: 'e',
      start: NOW,
      errors: [
        { type: 'command_failed', message: `Exit code 127\ncommand not found${' x'.repeat(200)}` },
        { type: 'api_error' },
        { type: 'command_failed' },
      ],
    });
    const [row] = recentExecutions([record]);
    expect(row).toMatchObject({ errors: 3, errorTypes: ['command_failed', 'api_error'] });
    // Whole, as the record keeps it: the page's tooltip puts it on one short line (oneLine).
    expect(row!.firstError).toBe(record.errors[0]!.message);
    expect(oneLine(row!.firstError!, 160)).toMatch(/^Exit code 127 command not found x x/);
    expect(oneLine(row!.firstError!, 160)).toHaveLength(160);
  });
});
