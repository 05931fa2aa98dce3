import { describe, expect, test } from 'vitest';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import { mergeDays } from '../../src/analytics/merge.js';
import { earlySignals, improvementAreas, THRESHOLDS, topPerformers } from '../../src/analytics/rules.js';
import { toolUsage } from '../../src/analytics/tools.js';
import { at, makeRecord, type RecordSpec } from './make-record.js';

let seq = 0;
const runs = (n: number, spec: Partial<RecordSpec> & { day?: number }) =>
  Array.from({ length: n }, () => {
    seq++;
    return makeRecord({ start: at(2026, 11, spec.day ?? 20, 8, 0, seq % 3600), ...spec, id: `r${seq}`, promptId: null });
  });
const agentsOf = (records: ReturnType<typeof makeRecord>[]) => mergeDays([summarizeDay('2026-11-20', records)]).agents;
const findings = (records: ReturnType<typeof makeRecord>[], baseline: ReturnType<typeof makeRecord>[] = []) =>
  improvementAreas({ agents: agentsOf(records), baseline: agentsOf(baseline), baselineDays: 28 });

describe('improvement areas', () => {
  test('a high failure rate fires with its figures and advice built from the errors', () => {
    const records = [
      ...runs(6, { agent: 'deployer', status: 'success' }),
      ...runs(4, { agent: 'deployer', status: 'failed', errors: [{ type: 'api_error', message: 'API Error: 429 rate limited' }] }),
    ];
    const [area] = findings(records);
    expect(area).toMatchObject({
      agent: 'deployer',
      rule: 'high-failure-rate',
      figures: { executions: 10, failed: 4, failureRate: 40, topErrorType: 'api_error', topErrorExecutions: 4 },
    });
    expect(area!.issue).toBe('4 of 10 runs failed (40.0%); most common error: api_error in 4 runs');
    expect(area!.recommendation).toContain('API Error: 429 rate limited');
    expect(area!.recommendation).toContain('deployer');
  });

  test('does not fire below the minimum number of runs or under the threshold', () => {
    expect(findings(runs(4, { agent: 'x', status: 'failed', errors: [] })).filter((a) => a.rule === 'high-failure-rate')).toEqual([]);
    expect(findings([...runs(9, { agent: 'y' }), ...runs(1, { agent: 'y', status: 'failed' })])).toEqual([]);
  });

  test('an agent that never succeeds is reported as such, with its last success', () => {
    const [area] = findings(runs(3, { agent: 'broken', status: 'failed', errors: [{ type: 'tool_unavailable', tool: 'Grep' }] }));
    expect(area).toMatchObject({ rule: 'no-success', figures: { executions: 3, lastSuccess: null } });
    expect(area!.recommendation).toContain('.claude/agents/broken.md');
    expect(area!.recommendation).toContain('Grep');
  });

  test('slower than its own history fires on p95 and says whether typical runs slowed too', () => {
    const baseline = runs(20, { agent: 'builder', duration: 10_000, day: 10 });
    const now = [...runs(8, { agent: 'builder', duration: 10_000 }), ...runs(2, { agent: 'builder', duration: 60_000 })];
    const area = findings(now, baseline).find((a) => a.rule === 'slower-than-usual')!;
    expect(area.figures).toMatchObject({ p95Duration: 60_000, baselineP95Duration: 10_000, ratio: 6, p50Duration: 10_000, executions: 10, baselineExecutions: 20 });
    expect(area.issue).toBe('p95 duration 1 min, against 10 s over the previous 28 days (6×)');
    expect(area.recommendation).toMatch(/^Only the slow tail grew/);
  });

  test('a small absolute slowdown is not a finding', () => {
    const baseline = runs(20, { agent: 'quick', duration: 40, day: 10 });
    const now = runs(10, { agent: 'quick', duration: 90 });
    expect(findings(now, baseline).filter((a) => a.rule === 'slower-than-usual')).toEqual([]);
  });

  test('token-heavy compares an agent with the median agent', () => {
    const records = [
      ...runs(5, { agent: 'a', tokens: { input: 1000, output: 0 } }),
      ...runs(5, { agent: 'b', tokens: { input: 1200, output: 0 } }),
      ...runs(5, { agent: 'hog', tokens: { input: 10_000, output: 0 }, apiCalls: 4 }),
    ];
    const area = findings(records).find((a) => a.rule === 'token-heavy')!;
    expect(area.agent).toBe('hog');
    expect(area.figures).toMatchObject({ avgBilledTokens: 10_000, fleetMedianBilledTokens: 1200, ratio: 8.33, apiCallsPerRun: 4 });
  });

  test('token growth compares with the agent’s own baseline', () => {
    const baseline = runs(10, { agent: 'g', tokens: { input: 1000, output: 0 }, apiCalls: 2, day: 10 });
    const now = runs(5, { agent: 'g', tokens: { input: 3000, output: 0 }, apiCalls: 6 });
    const area = findings(now, baseline).find((a) => a.rule === 'token-growth')!;
    expect(area.figures).toMatchObject({ avgBilledTokens: 3000, baselineAvgBilledTokens: 1000, ratio: 3 });
    expect(area.recommendation).toMatch(/more API calls per run \(2 → 6\)/);
  });

  test('a recurring error and a failing tool are reported with their counts', () => {
    const records = [
      ...runs(17, { agent: 'w', tools: { Edit: { calls: 0, failures: 0 } } }),
      ...runs(10, { agent: 'w', tools: { Edit: { calls: 1, failures: 0 } } }),
      ...runs(3, {
        agent: 'w',
        status: 'partial',
        tools: { Edit: { calls: 2, failures: 2 } },
        errors: [
          { type: 'invalid_tool_call', tool: 'Edit', message: 'String to replace not found' },
          { type: 'invalid_tool_call', tool: 'Edit', message: 'String to replace not found' },
        ],
      }),
    ];
    const areas = findings(records);
    expect(areas.find((a) => a.rule === 'failing-tool')).toMatchObject({
      figures: { tool: 'Edit', calls: 16, failures: 6, failureRate: 37.5, topErrorType: 'invalid_tool_call' },
    });
    // One cause, one finding: the error type the failing tool explains is not listed again.
    expect(areas.map((a) => a.rule)).toEqual(['failing-tool']);
    expect(areas[0]!.issue).toBe('Edit failed in 6 of 16 calls (37.5%), mostly invalid_tool_call (6), in 3 of 30 runs');
  });

  test('"Bash failed in 3 of 6 calls" and "command_failed in 3 of 6 runs" are one finding', () => {
    const records = [
      ...runs(3, { agent: 'ci', tools: { Bash: { calls: 1, failures: 0 } } }),
      ...runs(3, { agent: 'ci', status: 'partial', tools: { Bash: { calls: 1, failures: 1 } }, errors: [{ type: 'command_failed', tool: 'Bash', message: 'Exit code 1' }] }),
    ];
    const areas = findings(records);
    expect(areas).toHaveLength(1);
    expect(areas[0]!.issue).toBe(
      '3 of 6 runs did not succeed (50.0%: 0 failed, 3 partial); most common error: command_failed in 3 runs (Bash failed in 3 of 6 calls)',
    );
  });
});

// The same rules at the scales people run: one run, a few, a week's worth, a busy team.
describe('advice at any scale', () => {
  const report = (records: ReturnType<typeof makeRecord>[]) => {
    const agents = agentsOf(records);
    const areas = improvementAreas({ agents, baseline: new Map(), baselineDays: 28 });
    const signals = earlySignals(agents, areas);
    const top = topPerformers(agents, new Set([...areas.map((a) => a.agent), ...signals.map((e) => e.agent)]));
    return { areas, signals, top };
  };

  test('1 run that failed is an early signal with its count, no rate', () => {
    const { areas, signals, top } = report(runs(1, { agent: 'solo', status: 'failed', errors: [{ type: 'api_error', message: 'API Error: 529' }] }));
    expect(areas).toEqual([]);
    expect(signals).toMatchObject([{ agent: 'solo', text: '1 of 1 run failed: api_error', sample: 'API Error: 529' }]);
    expect(signals[0]!.text).not.toMatch(/%/);
    expect(top).toEqual([]);
  });

  test('3 runs with 1 failure: "1 of 3 runs failed: api_error", and no top performer with a 33% success rate', () => {
    const { areas, signals, top } = report([
      ...runs(1, { agent: 'shaky', status: 'failed', errors: [{ type: 'api_error' }] }),
      ...runs(1, { agent: 'shaky', status: 'partial', errors: [{ type: 'command_failed', tool: 'Bash' }] }),
      ...runs(1, { agent: 'shaky' }),
      ...runs(3, { agent: 'sure' }),
    ]);
    expect(areas).toEqual([]);
    expect(signals.map((e) => e.text)).toEqual(['1 of 3 runs failed, 1 partial: api_error (1), command_failed (1)']);
    expect(top.map((t) => t.agent)).toEqual(['sure']);
  });

  test('7 runs with 1 failure and 2 partial ones give an improvement area, and the agent is no top performer', () => {
    const { areas, signals, top } = report([
      ...runs(4, { agent: 'weekly' }),
      ...runs(1, { agent: 'weekly', status: 'failed', errors: [{ type: 'api_error' }] }),
      ...runs(2, { agent: 'weekly', status: 'partial', errors: [{ type: 'not_found', tool: 'Read' }] }),
    ]);
    expect(areas).toHaveLength(1);
    expect(areas[0]).toMatchObject({ rule: 'high-failure-rate', figures: { executions: 7, failed: 1, partial: 2, notSucceededRate: 42.9 } });
    expect(areas[0]!.issue).toMatch(/^3 of 7 runs did not succeed \(42\.9%: 1 failed, 2 partial\); most common error: not_found in 2 runs/);
    expect(signals).toEqual([]);
    expect(top).toEqual([]);
  });

  test('200 runs: a flagged agent is never a top performer, and one below the fleet’s success rate is not either', () => {
    const { areas, signals, top } = report([
      ...runs(100, { agent: 'main' }),
      ...runs(60, { agent: 'slowpoke', tokens: { input: 50_000, output: 0 } }),
      ...runs(28, { agent: 'middling' }),
      ...runs(2, { agent: 'middling', status: 'failed', errors: [{ type: 'api_error' }] }),
      ...runs(10, { agent: 'tiny', tokens: { input: 10, output: 0 } }),
    ]);
    expect(areas.map((a) => `${a.agent}:${a.rule}`)).toEqual(['slowpoke:token-heavy']);
    expect(signals).toEqual([]);
    // Fleet: 198 of 200 succeeded (99%); middling's 93.3% is below it, with no finding to flag it.
    expect(top.map((t) => t.agent)).toEqual(['main', 'tiny']);
    for (const t of top) expect(areas.some((a) => a.agent === t.agent)).toBe(false);
  });
});

describe('top performers', () => {
  test('rank by a success rate that accounts for how many runs it rests on', () => {
    const agents = agentsOf([
      ...runs(40, { agent: 'steady', duration: 2000 }),
      ...runs(1, { agent: 'steady', status: 'failed' }),
      ...runs(3, { agent: 'lucky', duration: 1000 }),
      ...runs(5, { agent: 'flaky' }),
      ...runs(5, { agent: 'flaky', status: 'failed' }),
      ...runs(2, { agent: 'rare' }),
    ]);
    const top = topPerformers(agents, new Set(['flaky']));
    expect(top.map((t) => t.agent)).toEqual(['steady', 'lucky']);
    expect(top[0]).toEqual({ agent: 'steady', executions: 41, avgDuration: 1976, successRate: 97.6, p95Duration: 2000 });
    expect(THRESHOLDS.topPerformersMinRuns).toBe(3);
  });
});

test('tool usage gives calls and failure rate per tool and per agent', () => {
  const usage = toolUsage(
    agentsOf([
      ...runs(1, { agent: 'a', tools: { Bash: { calls: 4, failures: 1 }, Read: { calls: 10, failures: 0 } } }),
      ...runs(1, { agent: 'b', tools: { Bash: { calls: 6, failures: 3 } } }),
      ...runs(1, { agent: 'c' }),
    ]),
  );
  expect(usage.tools).toEqual([
    { tool: 'Bash', calls: 10, failures: 4, failureRate: 40, agents: 2 },
    { tool: 'Read', calls: 10, failures: 0, failureRate: 0, agents: 1 },
  ]);
  expect(usage.byAgent).toEqual([
    { agent: 'a', tools: [{ tool: 'Read', calls: 10, failures: 0, failureRate: 0 }, { tool: 'Bash', calls: 4, failures: 1, failureRate: 25 }] },
    { agent: 'b', tools: [{ tool: 'Bash', calls: 6, failures: 3, failureRate: 50 }] },
  ]);
});
