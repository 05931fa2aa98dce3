import { describe, expect, test } from 'vitest';
import { summarizeDay } from '../../src/analytics/day-summary.js';
import { trailingWeek, localDay } from '../../src/time/period.js';
import { PRICES_AS_OF } from '../../src/analytics/prices.js';
import { buildReport } from '../../src/analytics/report.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { reportDocument } from '../../src/render/report-view.js';
import { renderTerminal } from '../../src/render/terminal.js';
import type { ModelPrice } from '../../src/schema/config.js';
import type { AgentExecution } from '../../src/schema/record.js';
import { at, makeRecord } from '../analytics/make-record.js';

// The report's Document: what the table and Markdown views show of the JSON.

const TODAY = '2026-11-25';
const records: AgentExecution[] = [
  ...Array.from({ length: 4 }, (_, i) =>
    makeRecord({ id: `p${i}`, agent: 'planner', start: at(2026, 11, 24, 9, i), model: 'claude-opus-4-8', tokensUsed: 1000, tools: { Read: { calls: 5, failures: 0 }, Grep: { calls: 1, failures: 0 } } }),
  ),
  makeRecord({
    id: 't1',
    agent: 'tester',
    start: at(2026, 11, 24, 10),
    model: 'claude-haiku-4-5',
    tokensUsed: 3000,
    status: 'failed',
    tools: { Read: { calls: 2, failures: 1 }, Bash: { calls: 7, failures: 2 } },
    errors: [{ type: 'command_failed', message: 'Exit code 1' }, { type: 'api_error', message: 'API Error: 529' }],
  }),
  makeRecord({ id: 't2', agent: 'tester', start: at(2026, 11, 24, 11), model: 'claude-haiku-4-5', tokensUsed: 1000, status: 'failed', errors: [{ type: 'command_failed', message: 'Exit code 2' }] }),
  makeRecord({ id: 'r1', agent: 'reviewer', start: at(2026, 11, 24, 12), model: 'claude-opus-4-8', tokensUsed: 500, tools: { Read: { calls: 1, failures: 0 } } }),
  makeRecord({ id: 'x1', agent: 'extra', start: at(2026, 11, 24, 13), model: 'claude-opus-4-8', tokensUsed: 500, tools: { Read: { calls: 1, failures: 0 } } }),
];

function reportWith(prices: Record<string, ModelPrice> = {}) {
  const byDay = new Map<string, AgentExecution[]>();
  for (const r of records) byDay.set(localDay(r.metrics.startTime), [...(byDay.get(localDay(r.metrics.startTime)) ?? []), r]);
  const days = [...byDay].map(([day, list]) => summarizeDay(day, list));
  return buildReport({ period: trailingWeek(TODAY, TODAY), days, baseline: [], baselineDays: 28, agents: null, prices, now: at(2026, 11, 25, 18) });
}

describe('report views', () => {
  const report = reportWith();
  const table = renderTerminal(reportDocument(report), { width: Infinity, color: false });
  const markdown = renderMarkdown(reportDocument(report));

  test('show failures by type, counted in runs like the Agents table', () => {
    expect(table).toMatch(/Failures by type\ncommand_failed 2 runs {3}api_error 1 run\n/);
    expect(markdown).toContain('### Failures by type\n\n- **command_failed:** 2 runs\n- **api_error:** 1 run');
  });

  test('show which agents use each tool most, from toolUsage.byAgent', () => {
    expect(table).toMatch(/\nRead +24 +1 +4\.2% +4 +planner 20, tester 2, extra 1, \+1 more\n/);
    expect(table).toMatch(/\nBash +7 +2 +28\.6% +1 +tester 7\n/);
    expect(markdown).toContain('| Top agents (calls) |');
    expect(markdown).toContain('| planner 20, tester 2, extra 1, +1 more |');
  });

  test('show each agent’s average tokens', () => {
    expect(table).toMatch(/\nAgent +Runs .* Tokens +Avg tokens +Cost/);
    expect(table).toMatch(/\ntester +2 .* 4k +2k +\$/);
    expect(markdown).toMatch(/\| tester \| 2 \| .* \| 4k \| 2k \| \$/);
  });

  test('the cost table names the list prices only when every model used them', () => {
    expect(table).toContain(`Cost by model (list prices as of ${PRICES_AS_OF})`);
    expect(table).not.toContain('agent-track.json');

    const configured = renderTerminal(reportDocument(reportWith({ 'claude-haiku-4-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 } })), { width: Infinity, color: false });
    expect(configured).toMatch(/\nCost by model\n/);
    expect(configured).toMatch(/\nclaude-haiku-4-5 \* +2 /);
    expect(configured).toMatch(/\nclaude-opus-4-8 +6 /);
    expect(configured).toContain(`* priced from "prices" in agent-track.json; the others at list prices as of ${PRICES_AS_OF}`);
  });
});

describe('report views: early signals and the header', () => {
  const report = reportWith();
  const doc = reportDocument(report);
  const table = renderTerminal(doc, { width: Infinity, color: false });
  const markdown = renderMarkdown(doc);

  test('show early signals apart from the findings, with counts and no rate', () => {
    expect(report.earlySignals.map((e) => `${e.agent}: ${e.text}`)).toEqual(['tester: 2 of 2 runs failed: command_failed (2), api_error (1)']);
    expect(table).toContain('Early signals (too few runs for a rate)\n• tester: 2 of 2 runs failed: command_failed (2), api_error (1)');
    expect(markdown).toContain('### Early signals (too few runs for a rate)');
    expect(doc.csv!.columns.slice(-2)).toEqual(['findings', 'earlySignal']);
    expect(doc.csv!.rows.find((r) => r[0] === 'tester')!.slice(-2)).toEqual([1, '2 of 2 runs failed: command_failed (2), api_error (1)']);
  });

  test('the header says the period once', () => {
    const header = table.split('\n').slice(0, 2).join('\n');
    expect(header.split('2026-11-19').length - 1).toBe(1);
    const custom = renderTerminal(reportDocument({ ...report, range: { ...report.range, kind: 'custom', label: report.period } }), { width: Infinity, color: false });
    expect(custom.split('\n').slice(0, 2).join('\n').split(report.period).length - 1).toBe(1);
  });
});
