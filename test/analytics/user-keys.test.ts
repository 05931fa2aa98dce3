import { describe, expect, test } from 'vitest';
import { customPeriod } from '../../src/time/period';
import { localDay as localDayOf } from '../../src/time/period.js';
import { buildReport } from '../../src/analytics/report';
import { recordsSummaryOf } from '../support/day-summary.js';
import { at, makeRecord } from './make-record';
import { age, tempLogs, writeRecords } from '../store/store-helpers';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';

// Issue 10, case 9: an agent type named __proto__ disappeared from the
// per-agent figures and the day rollup (5 runs, 4 counted); tool and model
// names such as toString read back inherited functions.

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'reviewer'];

describe('names that are Object.prototype keys count like any other', () => {
  const logs = tempLogs();
  const day = at(2026, 11, 3);
  writeRecords(
    logs,
    NAMES.map((name, i) =>
      makeRecord({ id: `run-${i}`, start: day + i * 60_000, agent: name, model: name, tools: { [name]: { calls: 2, failures: 1 }, Read: { calls: 1, failures: 0 } } }),
    ),
  );
  const summary = recordsSummaryOf(logs, localDayOf(day), () => {});

  test('the day rollup has every agent, and keeps it through JSON', () => {
    expect(summary.executions).toBe(5);
    expect(Object.keys(summary.agents).sort()).toEqual([...NAMES].sort());
    expect(Object.keys(JSON.parse(JSON.stringify(summary)).agents).sort()).toEqual([...NAMES].sort());
    expect(({} as Record<string, unknown>).calls).toBeUndefined();
  });

  test('per-agent figures count all five runs, each with its own model', () => {
    const report = buildReport({
      period: customPeriod(localDayOf(day), localDayOf(day), localDayOf(day)),
      days: [summary],
      baseline: [],
      baselineDays: 28,
      agents: null,
      prices: {},
      now: day + 86_400_000,
    });
    expect(report.agentMetrics.map((a) => a.agent).sort()).toEqual([...NAMES].sort());
    expect(report.agentMetrics.reduce((n, a) => n + a.executions, 0)).toBe(5);
  });
});

test('after the records are pruned, the rollup still counts the __proto__ agent', () => {
  const logs = tempLogs();
  const start = Date.now() - 3 * 86_400_000;
  const day = localDayOf(start);
  writeRecords(logs, NAMES.map((name, i) => makeRecord({ id: `old-${i}`, start: start + i * 1_000, agent: name })));
  age(logs, day, 600);
  const agents = () => {
    const run = runCli(['--logs-dir', logs, 'report', '--since', day, '--until', day, '--json']);
    return Object.fromEntries(JSON.parse(run.stdout).agentMetrics.map((a: { agent: string; executions: number }) => [a.agent, a.executions]));
  };
  const expected = Object.fromEntries(NAMES.map((n) => [n, 1]));
  expect(agents()).toEqual(expected);
  for (const entry of readdirSync(join(logs, day), { withFileTypes: true })) if (entry.isDirectory()) rmSync(join(logs, day, entry.name), { recursive: true });
  expect(agents()).toEqual(expected);
});
