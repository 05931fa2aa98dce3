import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import {
  activeAgent,
  agentHealth,
  buildStatus,
  foldersForRecentRuns,
  HEALTH_THRESHOLDS,
  judgeHealth,
  last24Hours,
  topErrors,
  typicalDurations,
  type RunningExecution,
} from '../../src/analytics/status.js';
import type { AgentExecution } from '../../src/schema/record.js';
import { Status } from '../../src/schema/status.js';
import type { SessionFigures } from '../../src/schema/session.js';
import { localDay } from '../../src/time/period.js';
import { at, makeRecord } from './make-record.js';

// The live view's figures from hand-made records and a fixed `now`: no clock, no disk.

const NOW = at(2026, 11, 25, 18);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function days(records: AgentExecution[]) {
  const byDay = new Map<string, AgentExecution[]>();
  for (const r of records) byDay.set(localDay(r.metrics.startTime), [...(byDay.get(localDay(r.metrics.startTime)) ?? []), r]);
  return [...byDay].map(([day, list]) => summarizeDay(day, list));
}

/** Runs of one agent, the latest first, `hours` apart, ending an hour before NOW. */
function runs(agent: string, statuses: ('success' | 'partial' | 'failed')[], hours = 1): AgentExecution[] {
  return statuses.map((status, i) =>
    makeRecord({ id: `${agent}-${i}`, agent, start: NOW - HOUR - i * hours * HOUR, duration: 1000 * (i + 1), status }),
  );
}

describe('judgeHealth: the documented thresholds', () => {
  const S = 'success' as const;
  const F = 'failed' as const;
  const P = 'partial' as const;

  test('healthy when its recent runs did not fail', () => {
    expect(judgeHealth([S, S, P, S, S])).toMatchObject({ status: 'healthy', recentErrorRate: 0, consecutiveFailures: 0 });
  });

  test('healthy with a few failures long enough ago', () => {
    const statuses = [S, S, S, F, ...Array(16).fill(S)];
    expect(judgeHealth(statuses)).toMatchObject({ status: 'healthy', recentErrorRate: 5, reason: '1 of its last 20 runs failed (5.0%)' });
  });

  test('degraded when its latest run failed', () => {
    expect(judgeHealth([F, S, S, S, S, S])).toMatchObject({ status: 'degraded', reason: 'its latest run failed', consecutiveFailures: 1 });
    expect(judgeHealth([F, F, S, S, S, S, S, S, S, S, S])).toMatchObject({ status: 'degraded', reason: 'its last 2 runs failed' });
  });

  test(`degraded from ${HEALTH_THRESHOLDS.degradedErrorRate}% failed recent runs, not just below`, () => {
    const justBelow = [S, F, ...Array(4).fill(S), F, ...Array(4).fill(S), F, ...Array(8).fill(S)]; // 3 of 20 = 15%
    expect(judgeHealth(justBelow).status).toBe('healthy');
    const at20 = [S, F, F, S, S, F, F, ...Array(13).fill(S)]; // 4 of 20
    expect(judgeHealth(at20)).toMatchObject({ status: 'degraded', recentErrorRate: 20 });
  });

  test(`failed after ${HEALTH_THRESHOLDS.failedStreak} failures in a row`, () => {
    expect(judgeHealth([F, F, F, S, S, S, S, S, S, S, S, S, S])).toMatchObject({ status: 'failed', reason: 'its last 3 runs failed', consecutiveFailures: 3 });
  });

  test(`failed from ${HEALTH_THRESHOLDS.failedErrorRate}% failed recent runs`, () => {
    expect(judgeHealth([S, F, S, F, S, F, F, S, F, S])).toMatchObject({ status: 'failed', recentErrorRate: 50 });
  });

  test('failed when every recent run failed, even one', () => {
    expect(judgeHealth([F])).toMatchObject({ status: 'failed', reason: 'its only recent run failed' });
    expect(judgeHealth([F, F])).toMatchObject({ status: 'failed', reason: 'all of its last 2 runs failed' });
  });

  test(`rates alone decide nothing under ${HEALTH_THRESHOLDS.minRunsForRate} runs`, () => {
    expect(judgeHealth([S, F, S, S]).status).toBe('healthy'); // 25%, but 4 runs
    expect(judgeHealth([S, F, F, S]).status).toBe('healthy'); // 50%, but 4 runs
  });

  test('partial runs are not failures', () => {
    expect(judgeHealth([P, P, P, P, P, P])).toMatchObject({ status: 'healthy', recentErrorRate: 0 });
  });
});

describe('agentHealth', () => {
  test("judges each agent on its own latest runs, at most the window's count", () => {
    // 25 runs an hour apart: the latest 20 are all successes, the 5 before them failures.
    const records = runs('planner', [...Array(20).fill('success'), ...Array(5).fill('failed')]);
    const health = agentHealth(records, days(records), NOW);
    expect(health.planner).toMatchObject({ status: 'healthy', recentExecutions: 20, recentErrorRate: 0 });
    expect(health.planner!.recentStatuses).toHaveLength(20);
  });

  test('ignores runs older than the recent window', () => {
    const old = makeRecord({ id: 'old', agent: 'reviewer', start: NOW - 8 * 24 * HOUR, status: 'failed' });
    const recent = makeRecord({ id: 'new', agent: 'writer', start: NOW - HOUR });
    expect(Object.keys(agentHealth([old, recent], days([old, recent]), NOW))).toEqual(['writer']);
  });

  test('lists failed agents first, then degraded, then healthy', () => {
    const records = [...runs('a-ok', ['success']), ...runs('b-bad', ['failed', 'failed', 'failed']), ...runs('c-meh', ['failed', 'success', 'success'])];
    expect(Object.entries(agentHealth(records, [], NOW)).map(([agent, h]) => `${agent}:${h.status}`)).toEqual(['b-bad:failed', 'c-meh:degraded', 'a-ok:healthy']);
  });

  test('last success comes from the history days too, and the average from the recent runs', () => {
    const success = makeRecord({ id: 's', agent: 'writer', start: NOW - 3 * 24 * HOUR, duration: 5000 });
    const failures = runs('writer', ['failed', 'failed', 'failed']);
    const health = agentHealth(failures, days([success]), NOW);
    expect(health.writer).toMatchObject({
      status: 'failed',
      lastSuccess: new Date(success.metrics.endTime!).toISOString(),
      avgDuration: 2000,
      recentExecutions: 3,
    });
  });

  test('counts a record met twice once', () => {
    const record = makeRecord({ id: 'same', agent: 'writer', start: NOW - HOUR, status: 'failed' });
    const status = buildStatus({ now: NOW, active: [], history: [], records: [record, record, ...runs('writer', ['success', 'success'], 2).slice(1)] });
    expect(status.agentHealth.writer!.recentExecutions).toBe(2);
  });
});

describe('last24Hours', () => {
  const records = [
    makeRecord({ id: 'in1', agent: 'a', start: NOW - 2 * HOUR, duration: 1000 }),
    makeRecord({ id: 'in2', agent: 'b', start: NOW - 23 * HOUR, duration: 3000, status: 'failed', errors: [{ type: 'api_error', message: 'API Error: 529 overloaded' }] }),
    makeRecord({
      id: 'in3',
      agent: 'b',
      start: NOW - 3 * HOUR,
      duration: null,
      status: 'partial',
      errors: [
        { type: 'command_failed', message: 'exit 1', tool: 'Bash' },
        { type: 'command_failed', message: 'exit 2', tool: 'Bash', at: NOW - 2 * HOUR },
      ],
    }),
    makeRecord({ id: 'out', agent: 'a', start: NOW - 25 * HOUR, status: 'failed' }),
    makeRecord({ id: 'future', agent: 'a', start: NOW + HOUR }),
  ];
  const day = last24Hours(records, NOW);

  test('counts finished runs that started in the 24 hours before now', () => {
    expect(day).toMatchObject({ executionCount: 3, succeeded: 1, partial: 1, failed: 1, from: new Date(NOW - 24 * HOUR).toISOString(), to: new Date(NOW).toISOString() });
  });

  test('averages the known durations and gives the failed share as the error rate', () => {
    expect(day.avgResponseTime).toBe(2000);
    expect(day.errorRate).toBe(33.3);
  });

  test('ranks errors by the runs they hit, then by count, with the latest message and the agents', () => {
    expect(day.topErrors.map((e) => [e.type, e.count, e.executions])).toEqual([
      ['command_failed', 2, 1],
      ['api_error', 1, 1],
    ]);
    expect(day.topErrors[0]).toMatchObject({ sample: 'exit 2', agents: ['b'], lastSeen: new Date(NOW - 2 * HOUR).toISOString() });
  });

  test('an empty window has nulls, not zeros, where nothing is known', () => {
    expect(last24Hours([], NOW)).toMatchObject({ executionCount: 0, avgResponseTime: null, errorRate: null, topErrors: [] });
  });

  test('keeps the top errors only', () => {
    const many = Array.from({ length: 8 }, (_, i) => makeRecord({ id: `e${i}`, start: NOW - HOUR, errors: [{ type: `type_${i}` }] }));
    expect(topErrors(many)).toHaveLength(5);
  });
});

describe('active agents', () => {
  const run: RunningExecution = { executionId: 'x1', agentType: 'planner', sessionId: 's1', startTime: NOW - 2 * MINUTE, background: false, lastActivity: NOW - 10_000 };

  test('estimated completion is the start plus the median of its own history', () => {
    expect(activeAgent(run, 5 * MINUTE, NOW)).toMatchObject({
      estimatedCompletion: new Date(NOW + 3 * MINUTE).toISOString(),
      typicalDuration: 5 * MINUTE,
      runningFor: 2 * MINUTE,
      overdue: false,
    });
  });

  test('a run past its estimate is overdue', () => {
    expect(activeAgent(run, MINUTE, NOW)).toMatchObject({ overdue: true, estimatedCompletion: new Date(NOW - MINUTE).toISOString() });
  });

  test('without history the estimate is unknown (null)', () => {
    expect(activeAgent(run, null, NOW)).toMatchObject({ estimatedCompletion: null, typicalDuration: null, overdue: false });
  });

  test("typical durations are each agent type's nearest-rank median over the days", () => {
    const history = days([
      makeRecord({ id: '1', agent: 'planner', start: at(2026, 11, 20, 10), duration: 1000 }),
      makeRecord({ id: '2', agent: 'planner', start: at(2026, 11, 21, 10), duration: 9000 }),
      makeRecord({ id: '3', agent: 'planner', start: at(2026, 11, 22, 10), duration: 4000 }),
      makeRecord({ id: '4', agent: 'planner', start: at(2026, 11, 22, 11), duration: 2000 }),
      makeRecord({ id: '5', agent: 'tester', start: at(2026, 11, 22, 11), duration: null }),
    ]);
    const typical = typicalDurations(history);
    expect(typical.get('planner')).toBe(2000);
    expect(typical.has('tester')).toBe(false);
    const status = buildStatus({ now: NOW, active: [run, { ...run, executionId: 'x2', agentType: 'tester' }], history, records: [] });
    expect(status.activeAgents.map((a) => a.estimatedCompletion)).toEqual([new Date(run.startTime + 2000).toISOString(), null]);
  });
});

describe('foldersForRecentRuns', () => {
  test('reads back only as far as each agent needs for its latest runs', () => {
    const history = days([
      ...Array.from({ length: 25 }, (_, i) => makeRecord({ id: `busy${i}`, agent: 'busy', start: at(2026, 11, 25, 8, i) })),
      ...Array.from({ length: 5 }, (_, i) => makeRecord({ id: `busy-old${i}`, agent: 'busy', start: at(2026, 11, 22, 8, i) })),
      ...[21, 22, 23].map((d) => makeRecord({ id: `rare${d}`, agent: 'rare', start: at(2026, 11, d, 9) })),
    ]);
    const folders = foldersForRecentRuns(history, new Set(['2026-11-24', '2026-11-25']));
    expect(Object.fromEntries(folders)).toEqual({ '2026-11-23': ['rare'], '2026-11-22': ['rare'], '2026-11-21': ['rare'] });
  });
});

test('the whole status matches its published schema', () => {
  const records = [...runs('planner', ['success', 'failed', 'partial']), ...runs('tester', ['failed'])];
  const status = buildStatus({
    now: NOW,
    active: [{ executionId: 'x', agentType: 'planner', sessionId: 's', startTime: NOW - MINUTE, background: true, lastActivity: NOW }],
    history: days(records),
    records,
    warnings: ['skipped a file'],
  });
  expect(z.safeParse(Status, status).success).toBe(true);
  expect(Object.keys(status)).toEqual(expect.arrayContaining(['activeAgents', 'last24Hours', 'agentHealth']));
});

describe("the subagents' share of the last 24 hours' sessions", () => {
  const tokens = (input: number) => ({ input, output: 0, cacheCreation: 0, cacheRead: 0, apiCalls: 1 });
  const session = (sessionId: string, firstAt: number, lastAt: number, main: number, sub: number): SessionFigures => ({
    schemaVersion: 1,
    sessionId,
    source: 'hooks',
    firstAt,
    lastAt,
    mainThread: { 'claude-sonnet-4-5': tokens(main) },
    subagents: { runs: 1, byModel: { 'claude-sonnet-4-5': tokens(sub) }, byAgent: { Explore: { runs: 1, tokens: sub } } },
    claudeCode: null,
    writtenAt: lastAt,
  });

  test('counts the sessions active in the window, a long one begun days ago included, and none that ended before it', () => {
    const status = buildStatus({
      now: NOW,
      active: [],
      history: [],
      records: [],
      sessions: [session('today', NOW - 2 * HOUR, NOW - HOUR, 600, 400), session('long', NOW - 72 * HOUR, NOW - 3 * HOUR, 200, 800), session('old', NOW - 50 * HOUR, NOW - 25 * HOUR, 1_000, 0)],
    });
    expect(status.sessions).toMatchObject({ sessions: 2, mainThread: { tokens: 800 }, subagents: { runs: 2, tokens: 1_200 }, tokenShare: 60 });
    expect(Status.parse(status)).toEqual(status);
  });

  test('is null when no session has figures', () => {
    expect(buildStatus({ now: NOW, active: [], history: [], records: [] }).sessions).toBeNull();
  });
});
