// `npm run golden`: rewrites test/golden/*, what `report` and `trends` print as
// a table (fixed width), Markdown and CSV, from a fixed record set and a fixed
// clock. test/golden/golden.test.ts compares the same outputs with these files,
// so any change to what a person sees shows up in the diff to review.
//
// The pure pipeline is driven directly (records -> day summaries -> report or
// trends -> document -> text), the same functions the commands call; the
// commands' own I/O is tested elsewhere.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { summarizeDay } from '../src/analytics/day-summary.js';
import { addDays, customPeriod, isoWeekPeriod, previousPeriod, localDay } from '../src/time/period.js';
import { buildReport } from '../src/analytics/report.js';
import { buildTrends } from '../src/analytics/trends.js';
import { render } from '../src/render/output.js';
import { reportDocument } from '../src/render/report-view.js';
import { trendsDocument } from '../src/render/trends-view.js';
import { at, makeRecord } from '../test/analytics/make-record.js';
import type { AgentExecution } from '../src/schema/record.js';
import type { ModelPrice } from '../src/schema/config.js';

export const GOLDEN_DIR = join(__dirname, '..', 'test', 'golden');

const TODAY = '2026-11-25';
const BASELINE_DAYS = 28;
/** A fixed terminal width: wide enough for every column, so the layout is the whole table. */
const WIDTH = 120;

// Explicit prices, so an update of the bundled price list does not move the figures.
const PRICES: Record<string, ModelPrice> = {
  'claude-opus-4-8': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
};

/**
 * Five weeks of four agents, from 2026-10-20 to 2026-11-24: a steady reviewer,
 * a tester whose failures rise in the last week, a planner that launches the
 * other two (workflows), and a slow doc writer on a cheaper model.
 */
export function goldenRecords(): AgentExecution[] {
  const records: AgentExecution[] = [];
  let seq = 0;
  for (let d = 0; d < 36; d++) {
    const day = addDays('2026-10-20', d);
    const [y, m, dd] = day.split('-').map(Number) as [number, number, number];
    const lastWeek = day >= '2026-11-16';
    const runs = 2 + (d % 3);
    for (let r = 0; r < runs; r++) {
      const prompt = `p-${day}-${r}`;
      const start = at(y, m, dd, 9 + r, (d * 7) % 60);
      const id = () => `g${String(seq++).padStart(4, '0')}`;
      records.push(
        makeRecord({ id: id(), agent: 'planner', start, duration: 4_000 + (d % 5) * 500, promptId: prompt, tokensUsed: 900 + d * 10, tokens: { input: 2_000 + d * 20, output: 400, cacheRead: 1_000 }, tools: { Read: { calls: 3, failures: 0 }, Agent: { calls: 2, failures: 0 } } }),
        // One review far slower than usual (an anomaly in trends).
        makeRecord({ id: id(), agent: 'code-reviewer', start: start + 5_000, duration: day === '2026-11-20' && r === 0 ? 240_000 : 20_000 + r * 3_000 + (d % 4) * 1_000, promptId: prompt, tokensUsed: 3_000 + r * 100, tokens: { input: 8_000, output: 1_200 + d * 5, cacheCreation: 500, cacheRead: 4_000 }, tools: { Read: { calls: 6, failures: 0 }, Grep: { calls: 2, failures: 0 } } }),
      );
      const testerFails = lastWeek ? r % 2 === 0 : (d + r) % 9 === 0;
      records.push(
        makeRecord({
          id: id(),
          agent: 'test-runner',
          start: start + 5_500,
          duration: 30_000 + (d % 6) * 2_000,
          promptId: prompt,
          status: testerFails ? 'failed' : (d + r) % 7 === 0 ? 'partial' : 'success',
          errors: testerFails ? [{ type: 'command_failed', message: 'Exit code 1', tool: 'Bash' }] : [],
          tokensUsed: 2_000,
          tokens: { input: 5_000, output: 800, cacheRead: 2_000 },
          tools: { Bash: { calls: 4, failures: testerFails ? 1 : 0 }, Read: { calls: 2, failures: 0 } },
          parallelWith: [],
        }),
      );
      if (r === 0 && d % 2 === 0) {
        records.push(
          makeRecord({ id: id(), agent: 'doc-writer', start: start + 60_000, duration: 90_000 + d * 1_000, model: 'claude-haiku-4-5', promptId: null, tokensUsed: 6_000, tokens: { input: 12_000, output: 3_000 }, tools: { Write: { calls: 2, failures: 0 } } }),
        );
      }
    }
  }
  return records;
}

function summaries(records: AgentExecution[]) {
  const byDay = new Map<string, AgentExecution[]>();
  for (const r of records) {
    const day = localDay(r.metrics.startTime);
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  return [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, list]) => summarizeDay(day, list));
}

/** Every golden file's name and its expected text. */
export function goldenFiles(): Record<string, string> {
  // Local days and clock times are part of the output: computed in UTC whatever the machine's zone (Node re-reads TZ when it is set).
  const zone = process.env.TZ;
  process.env.TZ = 'UTC';
  try {
    return outputs();
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
}

function outputs(): Record<string, string> {
  const NOW = at(2026, 11, 25, 18);
  const days = summaries(goldenRecords());
  const within = (from: string, to: string) => days.filter((s) => s.day >= from && s.day <= to);

  const week = isoWeekPeriod('2026-W47', TODAY)!;
  const report = buildReport({
    period: week,
    days: within(week.from, week.to),
    baseline: within(addDays(week.from, -BASELINE_DAYS), addDays(week.from, -1)),
    baselineDays: BASELINE_DAYS,
    agents: null,
    prices: PRICES,
    now: NOW,
  });

  const window = customPeriod('2026-11-18', '2026-11-24', TODAY);
  const trends = buildTrends({ period: window, summaries: within(previousPeriod(window).from, window.to), agents: null, prices: PRICES, now: NOW, today: TODAY });

  const files: Record<string, string> = {};
  const terminal = { width: WIDTH, color: false };
  for (const [name, value, document] of [
    ['report', report, () => reportDocument(report)],
    ['trends', trends, () => trendsDocument(trends)],
  ] as const) {
    files[`${name}.txt`] = render(value, document, 'table', terminal);
    files[`${name}.md`] = render(value, document, 'markdown', terminal);
    files[`${name}.csv`] = render(value, document, 'csv', terminal);
  }
  return files;
}

if (require.main === module) {
  mkdirSync(GOLDEN_DIR, { recursive: true });
  for (const [name, text] of Object.entries(goldenFiles())) {
    writeFileSync(join(GOLDEN_DIR, name), text);
    console.log(`test/golden/${name}`);
  }
}
