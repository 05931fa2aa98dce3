import { expect, test } from 'vitest';
import { sessionShare } from '../../src/analytics/session-share';
import type { SessionFigures } from '../../src/schema/session';

// The subagents' share of their sessions: pure, figures in, shares out.

const tokens = (input: number, output = 0) => ({ input, output, cacheCreation: 0, cacheRead: 0, apiCalls: 1 });
const PRICES = { 'test-model': { input: 1, output: 2, cacheWrite: 1, cacheRead: 0.1 } };

function session(id: string, main: number, agents: Record<string, number>): SessionFigures {
  const total = Object.values(agents).reduce((a, b) => a + b, 0);
  return {
    schemaVersion: 1,
    sessionId: id,
    source: 'import',
    firstAt: 0,
    lastAt: 0,
    mainThread: { 'test-model': tokens(main) },
    subagents: {
      runs: Object.keys(agents).length,
      byModel: { 'test-model': tokens(total) },
      byAgent: Object.fromEntries(Object.entries(agents).map(([agent, t]) => [agent, { runs: 1, tokens: t }])),
    },
    claudeCode: null,
    writtenAt: 0,
  };
}

test('subagents 600 of 1,000 session tokens: 60%, each agent its part, cost in the same proportion at one price', () => {
  const share = sessionShare([session('a', 300, { planner: 200 }), session('b', 100, { planner: 100, tester: 300 })], null, PRICES)!;
  expect(share).toMatchObject({ sessions: 2, mainThread: { tokens: 400 }, subagents: { runs: 3, tokens: 600 }, tokenShare: 60, costShare: 60 });
  expect(share.byAgent).toEqual([
    { agent: 'planner', runs: 2, tokens: 300, shareOfSessionTokens: 30 },
    { agent: 'tester', runs: 1, tokens: 300, shareOfSessionTokens: 30 },
  ]);
});

test('no session figures: no share (null), and an unpriced model leaves the cost share unknown', () => {
  expect(sessionShare([], null, PRICES)).toBeNull();
  expect(sessionShare([session('a', 100, { planner: 100 })], null, {})!.costShare).toBeNull();
});

test('--agent keeps the shares of the sessions, lists only the agents asked for', () => {
  const share = sessionShare([session('a', 100, { planner: 100, tester: 200 })], ['tester'], PRICES)!;
  expect(share.byAgent.map((a) => a.agent)).toEqual(['tester']);
  expect(share.tokenShare).toBe(75);
});

test('trends give the share per day of the window, null on days without session figures', async () => {
  const { buildTrends } = await import('../../src/analytics/trends');
  const { customPeriod } = await import('../../src/time/period');
  const trends = buildTrends({
    period: customPeriod('2026-11-01', '2026-11-03', '2026-11-10'),
    summaries: [],
    agents: null,
    prices: PRICES,
    now: Date.parse('2026-11-10T12:00:00Z'),
    today: '2026-11-10',
    sessions: [
      { day: '2026-11-01', figures: session('a', 300, { planner: 100 }) },
      { day: '2026-11-03', figures: session('b', 100, { planner: 300 }) },
    ],
  });
  expect(trends.sessions).toEqual({ tokenShare: [25, null, 75], costShare: [25, null, 75] });
});
