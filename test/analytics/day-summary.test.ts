import { describe, expect, test } from 'vitest';
import { NO_MODEL, SLOWEST_KEPT, summarizeDay } from '../../src/analytics/day-summary.js';
import { at, makeRecord } from './make-record.js';

const DAY = '2026-11-20';

describe('summarizeDay', () => {
  test('counts executions by status per agent, with exact sorted durations', () => {
    const summary = summarizeDay(DAY, [
      makeRecord({ id: 'a', agent: 'reviewer', start: at(2026, 11, 20, 10), duration: 3000, status: 'success' }),
      makeRecord({ id: 'b', agent: 'reviewer', start: at(2026, 11, 20, 11), duration: 1000, status: 'failed' }),
      makeRecord({ id: 'c', agent: 'reviewer', start: at(2026, 11, 20, 12), duration: null, status: 'partial' }),
      makeRecord({ id: 'd', agent: 'tester', start: at(2026, 11, 20, 13), duration: 2000.4, status: 'success' }),
    ]);
    expect(summary.executions).toBe(4);
    expect(Object.keys(summary.agents)).toEqual(['reviewer', 'tester']);
    const reviewer = summary.agents.reviewer!;
    expect([reviewer.executions, reviewer.success, reviewer.partial, reviewer.failed]).toEqual([3, 1, 1, 1]);
    expect(reviewer.durations).toEqual([1000, 3000]);
    expect(summary.agents.tester!.durations).toEqual([2000]);
  });

  test('sums billed tokens per model, keeping unknown models and long contexts apart', () => {
    const summary = summarizeDay(DAY, [
      makeRecord({ id: 'a', start: at(2026, 11, 20, 10), tokens: { input: 100, output: 10, cacheRead: 5 }, tokensUsed: 120 }),
      makeRecord({ id: 'b', start: at(2026, 11, 20, 11), tokens: { input: 200, output: 20, cacheCreation: 7 }, tokensUsed: 230 }),
      makeRecord({ id: 'c', start: at(2026, 11, 20, 12), model: null, tokens: { input: 1, output: 1 }, tokensUsed: null }),
      makeRecord({ id: 'd', start: at(2026, 11, 20, 13), tokens: null, tokensUsed: null }),
      makeRecord({ id: 'e', start: at(2026, 11, 20, 14), tokens: { input: 150_000, output: 100, cacheRead: 300_000 }, tokensUsed: 210_000 }),
    ]);
    const agent = summary.agents['code-reviewer']!;
    expect(agent.tokensUsed).toEqual({ total: 120 + 230 + 210_000, executions: 3 });
    expect(agent.tokens).toEqual({ executions: 4, input: 150_301, output: 131, cacheCreation: 7, cacheRead: 300_005, cacheCreation1h: 0 });
    expect(agent.models['claude-opus-4-8']).toEqual({ executions: 2, input: 300, output: 30, cacheCreation: 7, cacheRead: 5, cacheCreation1h: 0 });
    expect(agent.models[NO_MODEL]).toEqual({ executions: 1, input: 1, output: 1, cacheCreation: 0, cacheRead: 0, cacheCreation1h: 0 });
    expect(agent.longContextModels['claude-opus-4-8']).toEqual({ executions: 1, input: 150_000, output: 100, cacheCreation: 0, cacheRead: 300_000, cacheCreation1h: 0 });
  });

  test('a record that splits its tokens per API call keeps its long-context part with the model, where it can be priced', () => {
    const longContext = { input: 100_000, output: 50, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 210_000 };
    const summary = summarizeDay(DAY, [
      makeRecord({ id: 'a', start: at(2026, 11, 20, 10), tokens: { input: 150_000, output: 100, cacheRead: 300_000, cacheCreation: 40, cacheCreation1h: 30, longContext }, tokensUsed: 310_050 }),
      makeRecord({ id: 'b', start: at(2026, 11, 20, 11), tokens: { input: 10, output: 10, cacheCreation1h: 0, longContext: null }, tokensUsed: 20 }),
    ]);
    const agent = summary.agents['code-reviewer']!;
    expect(agent.longContextModels).toEqual({});
    expect(agent.models['claude-opus-4-8']).toEqual({ executions: 2, input: 150_010, output: 110, cacheCreation: 40, cacheRead: 300_000, cacheCreation1h: 30, longContext });
  });

  test('a model named like an object property gets its own entry', () => {
    const summary = summarizeDay(DAY, [
      makeRecord({ id: 'a', start: at(2026, 11, 20, 10), model: 'toString', tokens: { input: 1, output: 2 } }),
      makeRecord({ id: 'b', start: at(2026, 11, 20, 11), model: '__proto__', tokens: { input: 3, output: 4 } }),
    ]);
    const models = summary.agents['code-reviewer']!.models;
    expect(Object.keys(models)).toEqual(['__proto__', 'toString']);
    expect(Object.getOwnPropertyDescriptor(models, '__proto__')!.value).toMatchObject({ input: 3, output: 4 });
    expect(Object.getOwnPropertyDescriptor(models, 'toString')!.value).toMatchObject({ input: 1, output: 2 });
  });

  test('a large run whose last call stayed under 200k is not long-context', () => {
    const summary = summarizeDay(DAY, [
      makeRecord({ id: 'a', start: at(2026, 11, 20, 10), tokens: { input: 50_000, output: 100, cacheRead: 900_000 }, tokensUsed: 120_000 }),
    ]);
    expect(summary.agents['code-reviewer']!.longContextModels).toEqual({});
  });

  test('tallies tool calls and errors by type with the latest message as a scrubbed sample', () => {
    const summary = summarizeDay(DAY, [
      makeRecord({
        id: 'a',
        start: at(2026, 11, 20, 10),
        status: 'partial',
        tools: { Bash: { calls: 3, failures: 2 }, Read: { calls: 5, failures: 0 } },
        errors: [
          { type: 'command_failed', tool: 'Bash', message: 'Exit code 1', at: at(2026, 11, 20, 10, 1) },
          { type: 'command_failed', tool: 'Bash', message: 'Exit code 2 password=[REDACTED:secret]', at: at(2026, 11, 20, 10, 2) },
        ],
      }),
      makeRecord({
        id: 'b',
        start: at(2026, 11, 20, 9),
        status: 'partial',
        tools: { Bash: { calls: 1, failures: 1 } },
        errors: [{ type: 'command_failed', tool: 'Bash', message: 'Exit code 9', at: at(2026, 11, 20, 9, 1) }],
      }),
    ]);
    const agent = summary.agents['code-reviewer']!;
    expect(agent.toolCalls).toEqual({ Bash: { calls: 4, failures: 3 }, Read: { calls: 5, failures: 0 } });
    expect(agent.errors.command_failed).toMatchObject({ count: 3, executions: 2, tools: { Bash: 3 }, sampleAt: at(2026, 11, 20, 10, 2) });
    expect(agent.errors.command_failed!.sample).toBe('Exit code 2 password=[REDACTED:secret]');
  });

  test('remembers the last success and the slowest few executions', () => {
    const records = Array.from({ length: SLOWEST_KEPT + 3 }, (_, i) =>
      makeRecord({ id: `r${i}`, start: at(2026, 11, 20, 8 + i), duration: (i + 1) * 1000, status: i === 6 ? 'failed' : 'success' }),
    );
    const agent = summarizeDay(DAY, records).agents['code-reviewer']!;
    expect(agent.slowest.map((s) => s.id)).toEqual(['r7', 'r6', 'r5', 'r4', 'r3']);
    expect(agent.lastSuccessAt).toBe(at(2026, 11, 20, 15) + 8000);
    expect(agent.lastExecutionAt).toBe(at(2026, 11, 20, 15));
  });

  test('keeps the newest write of a record that exists twice', () => {
    const summary = summarizeDay(DAY, [
      makeRecord({ id: 'x', agent: 'old-name', start: at(2026, 11, 20, 10), writtenAt: 1 }),
      makeRecord({ id: 'x', agent: 'new-name', start: at(2026, 11, 20, 10), writtenAt: 2 }),
    ]);
    expect(summary.executions).toBe(1);
    expect(Object.keys(summary.agents)).toEqual(['new-name']);
  });

  test('does not depend on the order records were read in', () => {
    const records = [
      makeRecord({ id: 'a', start: at(2026, 11, 20, 10), promptId: 'p', errors: [{ type: 'x', message: 'one', at: 5 }] }),
      makeRecord({ id: 'b', agent: 'tester', start: at(2026, 11, 20, 10, 0, 1), promptId: 'p', errors: [{ type: 'x', message: 'two', at: 5 }] }),
      makeRecord({ id: 'c', start: at(2026, 11, 20, 11), promptId: 'q', duration: 50 }),
    ];
    expect(summarizeDay(DAY, [...records].reverse())).toEqual(summarizeDay(DAY, records));
  });

  test('groups executions into workflows by prompt and keeps prompts near midnight open', () => {
    const summary = summarizeDay(DAY, [
      makeRecord({ id: 'a', agent: 'planner', start: at(2026, 11, 20, 10), duration: 1000, promptId: 'p1' }),
      makeRecord({ id: 'b', agent: 'coder', start: at(2026, 11, 20, 10, 1), duration: 1000, promptId: 'p1' }),
      makeRecord({ id: 'c', agent: 'planner', start: at(2026, 11, 20, 23, 50), duration: 1000, promptId: 'late' }),
      makeRecord({ id: 'd', agent: 'coder', start: at(2026, 11, 20, 14), promptId: null }),
    ]);
    expect(summary.workflows).toEqual({ '[["planner"],["coder"]]': [1, 1, 2, 61_000] });
    expect(summary.openPrompts.map((p) => p.promptId)).toEqual(['late']);
    expect(summary.withoutPrompt).toBe(1);
  });

  test('records the files it had to skip', () => {
    const skipped = Array.from({ length: 12 }, (_, i) => ({ path: `x/exec-${i}.json`, problem: 'not readable JSON' }));
    const summary = summarizeDay(DAY, [], skipped);
    expect(summary.skipped.count).toBe(12);
    expect(summary.skipped.samples).toHaveLength(10);
    expect(summary.executions).toBe(0);
  });
});
