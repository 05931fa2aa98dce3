import { describe, expect, test } from 'vitest';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import { trailingWeek, localDay } from '../../src/time/period.js';
import { buildReport } from '../../src/analytics/report.js';
import { Report } from '../../src/schema/report.js';
import type { AgentExecution } from '../../src/schema/record.js';
import { at, makeRecord } from './make-record.js';

const NOW = at(2026, 11, 25, 18);
const TODAY = '2026-11-25';

function summaries(records: AgentExecution[]) {
  const days = new Map<string, AgentExecution[]>();
  for (const r of records) days.set(localDay(r.metrics.startTime), [...(days.get(localDay(r.metrics.startTime)) ?? []), r]);
  return [...days].map(([day, list]) => summarizeDay(day, list));
}

const week = [
  makeRecord({ id: 'a1', agent: 'code-review-specialist', start: at(2026, 11, 20, 10), duration: 2000, promptId: 'p1', tokensUsed: 1000 }),
  makeRecord({ id: 'a2', agent: 'test-automation', start: at(2026, 11, 20, 10, 0, 0.01), duration: 4000, promptId: 'p1', tokensUsed: 3000 }),
  makeRecord({
    id: 'a3',
    agent: 'code-review-specialist',
    start: at(2026, 11, 22, 15),
    duration: 6000,
    status: 'failed',
    promptId: 'p2',
    errors: [{ type: 'api_error', message: 'API Error: 400 bad request' }],
    tokens: { input: 1_000_000, output: 0 },
    tokensUsed: 500,
  }),
  makeRecord({ id: 'a4', agent: 'code-review-specialist', start: at(2026, 11, 25, 9), duration: 1000, promptId: 'p3', model: 'mystery-1', tokensUsed: 100 }),
];

describe('buildReport', () => {
  const report = buildReport({
    period: trailingWeek(TODAY, TODAY),
    days: summaries(week),
    baseline: [],
    baselineDays: 28,
    agents: null,
    prices: {},
    now: NOW,
  });

  test('has the keys of the design document’s weekly report, with exact figures', () => {
    expect(report.period).toBe('2026-11-19 to 2026-11-25');
    expect(report.summary).toMatchObject({
      totalExecutions: 4,
      succeeded: 3,
      failed: 1,
      successRate: 75,
      avgDuration: 3250,
      p50Duration: 2000,
      p95Duration: 6000,
      totalTokensUsed: 4600,
      agents: 2,
    });
    expect(report.summary.failuresByType).toEqual([{ type: 'api_error', count: 1, executions: 1 }]);
    // A dated report written before early signals existed still reads back, with none.
    const { earlySignals: _signals, ...older } = report;
    expect(Report.parse(older).earlySignals).toEqual([]);
    // 1 failure in 3 runs is too few for a rate: an early signal, and no top performer.
    expect(report.topPerformers).toEqual([]);
    expect(report.improvementAreas).toEqual([]);
    expect(report.earlySignals).toEqual([
      {
        agent: 'code-review-specialist',
        executions: 3,
        failed: 1,
        partial: 0,
        errors: [{ type: 'api_error', executions: 1 }],
        text: '1 of 3 runs failed: api_error',
        sample: 'API Error: 400 bad request',
      },
    ]);
  });

  test('validates against the published report schema', () => {
    expect(Report.safeParse(report).success).toBe(true);
  });

  test('per-agent figures, most used agent first', () => {
    expect(report.agentMetrics.map((a) => [a.agent, a.executions, a.successRate, a.p50Duration, a.p95Duration])).toEqual([
      ['code-review-specialist', 3, 66.7, 2000, 6000],
      ['test-automation', 1, 100, 4000, 4000],
    ]);
    const reviewer = report.agentMetrics[0]!;
    expect(reviewer.tokens).toEqual({ total: 1600, avg: 533, billed: 1_000_000 + 170 * 2 });
    expect(reviewer.commonErrors).toEqual([{ type: 'api_error', count: 1, executions: 1, sample: 'API Error: 400 bad request' }]);
    expect(reviewer.lastSuccess).toBe(new Date(at(2026, 11, 25, 9) + 1000).toISOString());
  });

  test('costs what the price table says and leaves the unknown model out, with a warning', () => {
    // opus 4.8: 1M input ($5) + 2 x (100 input, 20 output, 50 cache read)
    const opus = 5 + 2 * ((100 * 5 + 20 * 25 + 50 * 0.5) / 1e6);
    expect(report.cost.byModel.find((m) => m.model === 'claude-opus-4-8')!.usd).toBeCloseTo(opus, 6);
    expect(report.summary.cost).toMatchObject({ usd: null, pricedExecutions: 3, unpricedExecutions: 1, executionsWithoutTokens: 0 });
    expect(report.summary.cost.pricedUsd).toBeCloseTo(opus, 6);
    expect(report.warnings.join('\n')).toContain('mystery-1');
  });

  test('shows agents launched together as a parallel stage', () => {
    expect(report.workflowPatterns.map((w) => [w.name, w.frequency, w.successRate])).toEqual([
      ['code-review-specialist', 2, 50],
      ['[code-review-specialist | test-automation]', 1, 100],
    ]);
    expect(report.workflowPatterns[1]).toMatchObject({
      name: '[code-review-specialist | test-automation]',
      frequency: 1,
      stages: [['code-review-specialist', 'test-automation']],
      agentSequence: ['code-review-specialist', 'test-automation'],
      avgTotalDuration: 4000,
      successRate: 100,
    });
  });

  test('an agent filter narrows every section and warns about agents with no runs', () => {
    const filtered = buildReport({
      period: trailingWeek(TODAY, TODAY),
      days: summaries(week),
      baseline: [],
      baselineDays: 28,
      agents: ['test-automation', 'nobody'],
      prices: {},
      now: NOW,
    });
    expect(filtered.summary.totalExecutions).toBe(1);
    expect(filtered.agentMetrics.map((a) => a.agent)).toEqual(['test-automation']);
    expect(filtered.summary.cost.usd).not.toBeNull();
    expect(filtered.warnings).toContain('no executions of agent "nobody" in this period');
  });

  test('an empty period gives zeros and nulls, not invented figures', () => {
    const empty = buildReport({ period: trailingWeek(TODAY, TODAY), days: [], baseline: [], baselineDays: 28, agents: null, prices: {}, now: NOW });
    expect(empty.summary).toMatchObject({ totalExecutions: 0, successRate: null, avgDuration: null, p50Duration: null, p95Duration: null });
    expect(empty.summary.cost.usd).toBe(0);
    expect(Report.safeParse(empty).success).toBe(true);
  });
});
