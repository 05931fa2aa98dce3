import { describe, expect, test } from 'vitest';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import { mergeDays } from '../../src/analytics/merge.js';
import { describeWorkflow } from '../../src/analytics/workflows.js';
import { percentile } from '../../src/analytics/stats.js';
import { localDay } from '../../src/time/period.js';
import { at, makeRecord } from './make-record.js';
import type { AgentExecution } from '../../src/schema/record.js';

function byDay(records: AgentExecution[]) {
  const days = new Map<string, AgentExecution[]>();
  for (const r of records) {
    const day = localDay(r.metrics.startTime);
    days.set(day, [...(days.get(day) ?? []), r]);
  }
  return [...days].map(([day, list]) => summarizeDay(day, list));
}

describe('mergeDays', () => {
  test('percentiles over several days are those of all their executions, not an average of daily ones', () => {
    const records = [
      ...[1, 2, 3, 4, 100].map((s, i) => makeRecord({ id: `d1-${i}`, start: at(2026, 11, 18, 10 + i), duration: s * 1000 })),
      ...[5, 6].map((s, i) => makeRecord({ id: `d2-${i}`, start: at(2026, 11, 19, 10 + i), duration: s * 1000 })),
    ];
    const merged = mergeDays(byDay(records));
    const agent = merged.agents.get('code-reviewer')!;
    expect(agent.durations.sorted()).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 100_000]);
    expect(agent.durations.percentile(50)).toBe(4000);
    expect(agent.durations.percentile(50)).toBe(percentile(agent.durations.sorted(), 50));
    expect(agent.executions).toBe(7);
    expect(merged.days).toEqual(['2026-11-18', '2026-11-19']);
  });

  test('merging day summaries equals summarising all records as one day', () => {
    const records = Array.from({ length: 40 }, (_, i) =>
      makeRecord({
        id: `r${i}`,
        agent: i % 3 ? 'coder' : 'reviewer',
        start: at(2026, 11, 15 + (i % 4), 9 + (i % 7)),
        duration: 500 + ((i * 7919) % 13_000),
        status: i % 5 === 0 ? 'failed' : i % 7 === 0 ? 'partial' : 'success',
        tools: { Bash: { calls: i % 4, failures: i % 2 } },
        errors: i % 5 === 0 ? [{ type: i % 2 ? 'api_error' : 'interrupted', message: `m${i}`, at: i }] : [],
        promptId: null,
      }),
    );
    const merged = mergeDays(byDay(records));
    const single = summarizeDay('all', records);
    for (const [agent, day] of merged.agents) {
      expect({ ...day, durations: day.durations.sorted(), slowest: day.slowest.slice(0, 5) }).toEqual(single.agents[agent]);
    }
  });

  test('a workflow that crosses midnight is joined from both days', () => {
    const records = [
      makeRecord({ id: 'a', agent: 'planner', start: at(2026, 11, 19, 23, 58), duration: 60_000, promptId: 'late' }),
      makeRecord({ id: 'b', agent: 'coder', start: at(2026, 11, 20, 0, 0, 30), duration: 60_000, promptId: 'late' }),
    ];
    const days = byDay(records);
    expect(days.map((d) => d.openPrompts.length)).toEqual([1, 1]);
    const merged = mergeDays(days);
    expect([...merged.workflows.keys()].map((k) => describeWorkflow(k).name)).toEqual(['planner → coder']);
    expect([...merged.workflows.values()]).toEqual([[1, 1, 2, 210_000]]); // 23:58:00 to 00:01:30
  });

  test('an agent filter keeps only those agents and the workflows they took part in', () => {
    const records = [
      makeRecord({ id: 'a', agent: 'planner', start: at(2026, 11, 19, 10), promptId: 'p1' }),
      makeRecord({ id: 'b', agent: 'coder', start: at(2026, 11, 19, 10, 1), promptId: 'p1' }),
      makeRecord({ id: 'c', agent: 'writer', start: at(2026, 11, 19, 11), promptId: 'p2' }),
    ];
    const merged = mergeDays(byDay(records), new Set(['coder']));
    expect([...merged.agents.keys()]).toEqual(['coder']);
    expect(merged.executions).toBe(1);
    expect([...merged.workflows.keys()].map((k) => describeWorkflow(k).name)).toEqual(['planner → coder']);
  });
});
