import { describe, expect, test } from 'vitest';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import { addDays, customPeriod } from '../../src/time/period.js';
import { buildTrends, projectsTrends } from '../../src/analytics/trends.js';
import { ProjectsTrends } from '../../src/schema/projects-trends.js';
import { Trends } from '../../src/schema/report.js';
import type { AgentExecution } from '../../src/schema/record.js';
import { at, makeRecord } from './make-record.js';

const TODAY = '2026-11-25';
let seq = 0;

/** `counts[i]` runs of `agent` on day i of the 14 days ending 2026-11-24, each `duration(i)` long. */
function days(agent: string, counts: number[], duration: (day: number) => number, status: (day: number, run: number) => 'success' | 'failed' = () => 'success') {
  const out = new Map<string, AgentExecution[]>();
  counts.forEach((n, i) => {
    const day = addDays('2026-11-11', i);
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    const records = Array.from({ length: n }, (_, r) =>
      makeRecord({ id: `t${seq++}`, agent, start: at(y, m, d, 9, r), duration: duration(i), status: status(i, r), promptId: null, tokensUsed: 100 }),
    );
    out.set(day, records);
  });
  return out;
}

function summariesOf(...maps: Map<string, AgentExecution[]>[]) {
  const all = new Map<string, AgentExecution[]>();
  for (const map of maps) for (const [day, list] of map) all.set(day, [...(all.get(day) ?? []), ...list]);
  return [...all].map(([day, list]) => summarizeDay(day, list));
}

describe('buildTrends', () => {
  const steady = days('steady', [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4], () => 1000);
  const growing = days('growing', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], (i) => 1000 + i * 100);
  const bursty = days('bursty', [5, 5, 5, 5, 5, 5, 5, 60, 5, 5, 5, 5, 5, 5], (i) => (i === 3 ? 90_000 : 2000), (i, r) => (i === 10 && r < 4 ? 'failed' : 'success'));
  const trends = buildTrends({
    period: customPeriod('2026-11-18', '2026-11-24', TODAY),
    summaries: summariesOf(steady, growing, bursty),
    agents: null,
    prices: {},
    now: at(2026, 11, 25, 12),
    today: TODAY,
  });
  const byAgent = new Map(trends.agents.map((a) => [a.agent, a]));

  test('gives one value per day and compares with the week before', () => {
    expect(trends.days).toHaveLength(7);
    expect(trends.previousPeriod).toBe('2026-11-11 to 2026-11-17');
    const growingLine = byAgent.get('growing')!;
    expect(growingLine.series.executions).toEqual([8, 9, 10, 11, 12, 13, 14]);
    expect(growingLine.change.executions).toEqual({ previous: 28, current: 77, delta: 49, percent: 175 });
    expect(growingLine.slope.executions).toBe(1);
    expect(growingLine.slope.p50Duration).toBe(100);
    expect(byAgent.get('steady')!.slope.executions).toBe(0);
    expect(Trends.safeParse(trends).success).toBe(true);
  });

  test('the overall line adds up the agents', () => {
    expect(trends.overall.series.executions).toEqual(trends.days.map((_, i) => trends.agents.reduce((n, a) => n + a.series.executions[i]!, 0)));
    expect(trends.overall.current.tokensUsed).toBe(trends.overall.current.executions * 100);
  });

  test('flags a burst day, a day of failures and a slow day against the agent’s own median', () => {
    const dayFlags = trends.anomalies.filter((a) => a.kind === 'day').map((a) => [a.agent, a.day, a.metric]);
    expect(dayFlags).toContainEqual(['bursty', '2026-11-18', 'executions']);
    expect(dayFlags).toContainEqual(['bursty', '2026-11-21', 'successRate']);
    expect(dayFlags.filter(([agent]) => agent === 'steady')).toEqual([]);
  });

  test('flags single executions far slower than usual', () => {
    const withSlowRun = days('builder', [0, 0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10], () => 5000);
    const slowDay = withSlowRun.get('2026-11-20')!;
    slowDay[0] = makeRecord({ ...slowDay[0]!, id: 'slow-one', start: slowDay[0]!.metrics.startTime, agent: 'builder', duration: 120_000, promptId: null });
    slowDay[1] = makeRecord({ id: 'bit-slow', start: slowDay[1]!.metrics.startTime, agent: 'builder', duration: 5200, promptId: null });
    const result = buildTrends({ period: customPeriod('2026-11-18', '2026-11-24', TODAY), summaries: summariesOf(withSlowRun), agents: null, prices: {}, now: 0, today: TODAY });
    const executions = result.anomalies.filter((a) => a.kind === 'execution');
    expect(executions.map((a) => [a.executionId, a.value, a.median])).toEqual([['slow-one', 120_000, 5000]]);
  });

  test('an agent filter keeps the other agents out of the overall line', () => {
    const only = buildTrends({ period: customPeriod('2026-11-18', '2026-11-24', TODAY), summaries: summariesOf(steady, growing), agents: ['steady'], prices: {}, now: 0, today: TODAY });
    expect(only.agents.map((a) => a.agent)).toEqual(['steady']);
    expect(only.overall.series.executions).toEqual([4, 4, 4, 4, 4, 4, 4]);
  });

  test('today, still running, stays in the series but out of the slope and the day anomalies', () => {
    // 14 days ending 2026-11-24, read on that day at noon: its 2 runs so far are not a quiet day.
    const growingToToday = days('growing', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 2], () => 1000);
    const noisy = days('noisy', [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9, 10, 1], () => 1000);
    const open = buildTrends({
      period: customPeriod('2026-11-11', '2026-11-24', '2026-11-24'),
      summaries: summariesOf(growingToToday, noisy),
      agents: null,
      prices: {},
      now: at(2026, 11, 24, 12),
      today: '2026-11-24',
    });
    expect(open.partialDay).toBe('2026-11-24');
    const growingLine = open.agents.find((a) => a.agent === 'growing')!;
    expect(growingLine.series.executions.at(-1)).toBe(2);
    expect(growingLine.current.executions).toBe(93);
    expect(growingLine.slope.executions).toBe(1);
    expect(open.anomalies.filter((a) => a.day === '2026-11-24')).toEqual([]);
    expect(Trends.safeParse(open).success).toBe(true);

    // The same window read the next day: 2026-11-24 is over, and its 1 run is a quiet day.
    const closed = buildTrends({
      period: customPeriod('2026-11-11', '2026-11-24', '2026-11-25'),
      summaries: summariesOf(growingToToday, noisy),
      agents: null,
      prices: {},
      now: at(2026, 11, 25, 12),
      today: '2026-11-25',
    });
    expect(closed.partialDay).toBeNull();
    expect(closed.agents.find((a) => a.agent === 'growing')!.slope.executions).toBeLessThan(1);
    expect(closed.anomalies).toContainEqual(expect.objectContaining({ agent: 'noisy', day: '2026-11-24', metric: 'executions' }));
  });
});

describe('projectsTrends', () => {
  const period = customPeriod('2026-11-18', '2026-11-24', TODAY);
  const trendsOf = (agent: string, counts: number[], failing: number) =>
    buildTrends({
      period,
      summaries: summariesOf(days(agent, counts, () => 1000, (i, r) => (i >= 7 && r < failing ? 'failed' : 'success'))),
      agents: null,
      prices: {},
      now: at(2026, 11, 25, 12),
      today: TODAY,
    });
  // 14 days: the first 7 are the previous period.
  const busy = trendsOf('coder', [2, 2, 2, 2, 2, 2, 2, 10, 10, 10, 10, 10, 10, 10], 1);
  const quiet = trendsOf('reviewer', [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0], 2);
  const all = projectsTrends({
    projects: [
      { project: '/w/quiet', logsDir: '/w/quiet/.claude/execution-logs', trends: quiet },
      { project: '/w/busy', logsDir: '/w/busy/.claude/execution-logs', trends: busy },
    ],
    period,
    agents: null,
    now: at(2026, 11, 25, 12),
    today: TODAY,
  });

  test('a row per project, most runs first, each its own overall line', () => {
    expect(all.projects.map((p) => [p.project, p.current.executions, p.previous.executions])).toEqual([
      ['/w/busy', 70, 14],
      ['/w/quiet', 2, 0],
    ]);
    expect(all.projects[0]!.series).toEqual(busy.overall.series);
    expect(all.projects[0]!.topAgents).toEqual([{ agent: 'coder', executions: 70 }]);
    expect(ProjectsTrends.safeParse(all).success).toBe(true);
  });

  test('the totals add the projects up day by day, the success rate weighted by their runs', () => {
    expect(all.totals).toMatchObject({ projects: 2, executions: 72, previousExecutions: 14 });
    expect(all.totals.series.executions).toEqual([10, 10, 12, 10, 10, 10, 10]);
    // Day 3: 9 of 10 and 0 of 2 succeeded.
    expect(all.totals.series.successRate[2]).toBe(75);
    // 63 of 70 and 0 of 2.
    expect(all.totals.successRate).toBe(87.5);
  });

  test('no project: empty rows and zero totals, one entry per day', () => {
    const none = projectsTrends({ projects: [], period, agents: ['x'], now: at(2026, 11, 25, 12), today: TODAY });
    expect(none.projects).toEqual([]);
    expect(none.totals).toMatchObject({ projects: 0, executions: 0, successRate: null, costUsd: 0 });
    expect(none.totals.series.executions).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(none.filter.agents).toEqual(['x']);
  });
});
