import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { addDays, customPeriod, isoWeekOf, localDay } from '../../src/time/period.js';
import { buildReport } from '../../src/analytics/report.js';
import { recordsSummaryOf } from '../support/day-summary.js';
import { ingestPayload } from '../../src/capture/ingest.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { Report, Trends } from '../../src/schema/report.js';
import { DaySummaryFile } from '../../src/schema/summary.js';
import { summaryPath } from '../../src/store/paths.js';
import { makeRecord } from '../analytics/make-record.js';
import { age, tempLogs, writeRecords } from '../store/store-helpers.js';
import { isAgentEvent, loadFixture } from '../support/fixtures.js';

// `agent-track report` and `agent-track trends` as a user runs them: the
// built CLI as a child process, against temporary logs folders.

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin', 'agent-track');

beforeAll(() => {
  // The CLI under test is the bundle; rebuild it when the sources are newer.
  const bundle = join(ROOT, 'dist', 'cli.cjs');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (max, e) => Math.max(max, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs),
      0,
    );
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newest(join(ROOT, 'src'))) {
    execFileSync('npx', ['tsup'], { cwd: ROOT, stdio: 'ignore' });
  }
}, 120_000);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(logs: string, args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [BIN, '--logs-dir', logs, ...args], {
    encoding: 'utf8',
    // TZ goes through, so that the CLI's "today" is the test's under any TZ the suite runs with.
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...(process.env.TZ ? { TZ: process.env.TZ } : {}), ...env },
    cwd: tmpdir(),
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const now = Date.now();
const today = localDay(now);
const daysAgo = (n: number, hour = 11) => {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - n, hour).getTime();
};

/** Real records from the captured fan-out session two days ago, and hand-made ones over the last ten days. */
function store(): string {
  const logs = tempLogs();
  const fixture = loadFixture('fanout');
  let at = daysAgo(2, 10);
  for (const payload of fixture.payloads.filter(isAgentEvent)) {
    at += 1000;
    ingestPayload(payload, { logsDir: logs, config: DEFAULT_CONFIG, now: at, deadline: at + 5000 });
  }
  const records = [];
  for (let d = 0; d < 10; d++) {
    for (let i = 0; i < 6; i++) {
      records.push(
        makeRecord({
          id: `d${d}r${i}`,
          agent: i % 2 ? 'test-runner' : 'planner',
          start: daysAgo(d, 9 + i),
          duration: 1000 * (i + 1),
          status: i === 5 && d % 3 === 0 ? 'failed' : 'success',
          errors: i === 5 && d % 3 === 0 ? [{ type: 'api_error', message: 'API Error: 529 overloaded' }] : [],
        }),
      );
    }
  }
  writeRecords(logs, records);
  for (const day of readdirSync(logs).filter((n) => /^\d{4}-/.test(n))) age(logs, day);
  return logs;
}

describe('agent-track report', () => {
  test('with no records, says how to start tracking', () => {
    const logs = join(mkdtempSync(join(tmpdir(), 'agent-track-empty-')), 'logs');
    const result = run(logs, ['report']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No subagent executions recorded yet');
    expect(result.stdout).toContain('agent-track install');
    expect(existsSync(logs)).toBe(false);

    const json = run(logs, ['report', '--json']);
    expect(json.code).toBe(0);
    expect(Report.parse(JSON.parse(json.stdout)).summary.totalExecutions).toBe(0);
    expect(json.stderr).toContain('agent-track install');
  });

  test('prints the weekly report as JSON that matches its schema, with exact figures', () => {
    const logs = store();
    const result = run(logs, ['report', '--json']);
    expect(result.code).toBe(0);
    const report = Report.parse(JSON.parse(result.stdout));
    expect(report.period).toBe(`${addDays(today, -6)} to ${today}`);
    // 7 days x 6 hand-made runs + 3 real ones from the fixture
    expect(report.summary.totalExecutions).toBe(45);
    expect(report.summary.failed).toBe(3 + 1);
    expect(report.agentMetrics.find((a) => a.agent === 'planner')).toMatchObject({ executions: 21, p50Duration: 3000, p95Duration: 5000 });
    expect(report.summary.cost.usd).not.toBeNull();
  });

  test('table output has no colour when piped and fits a narrow terminal, saying what it hid', () => {
    const logs = store();
    const result = run(logs, ['report'], { COLUMNS: '60' });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/\u001b\[/);
    expect(result.stdout).toContain('Agents');
    expect(result.stdout).toMatch(/hidden to fit 60 characters/);
    const tableLines = result.stdout.split('\n').filter((l) => l.startsWith('planner') || l.startsWith('test-runner'));
    expect(tableLines.length).toBeGreaterThan(0);
    for (const line of tableLines) expect(line.length).toBeLessThanOrEqual(60);
  });

  test('colour only when forced, and never with NO_COLOR', () => {
    const logs = store();
    expect(run(logs, ['report'], { FORCE_COLOR: '1' }).stdout).toMatch(/\u001b\[/);
    expect(run(logs, ['report'], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toMatch(/\u001b\[/);
  });

  test('markdown and csv', () => {
    const logs = store();
    const markdown = run(logs, ['report', '--format', 'markdown']);
    expect(markdown.stdout).toMatch(/^## Subagent report/);
    expect(markdown.stdout).toContain('| Agent | Runs | Success |');
    const csv = run(logs, ['report', '--format', 'csv', '--agent', 'planner']);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toBe(
      'agent,executions,succeeded,partial,failed,successRate,avgDurationMs,p50DurationMs,p95DurationMs,tokensUsed,avgTokensUsed,billedTokens,costUsd,pricedCostUsd,lastSuccess,topError,findings,earlySignal',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^planner,21,21,0,0,100,3000,3000,5000,/);
  });

  test('--out writes the report to a file', () => {
    const logs = store();
    const out = join(mkdtempSync(join(tmpdir(), 'agent-track-out-')), 'report.md');
    const result = run(logs, ['report', '--monthly', '--format', 'markdown', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`wrote ${out}`);
    expect(readFileSync(out, 'utf8')).toMatch(/^## Subagent report · \d{4}-\d{2}/);
  });

  test('--out into a folder that does not exist is an error, and creates nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'agent-track-out-'));
    const result = run(store(), ['report', '--out', join(root, 'missing', 'report.md')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the folder ${join(root, 'missing')} does not exist`);
    expect(existsSync(join(root, 'missing'))).toBe(false);
  });

  test('a corrupt or foreign file is skipped with a warning and the report still runs', () => {
    const logs = store();
    writeFileSync(join(logs, addDays(today, -1), 'planner', 'exec-broken.json'), '{"half":');
    writeFileSync(join(logs, addDays(today, -1), 'planner', 'exec-foreign.json'), '{"name":"something else"}');
    const result = run(logs, ['report', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: skipped .*exec-broken\.json: not valid JSON/);
    expect(result.stderr).toMatch(/warning: skipped .*exec-foreign\.json: not an execution record/);
    expect(Report.parse(JSON.parse(result.stdout)).dataQuality.skippedFiles).toBe(2);
  });

  test("a broken file in a day outside the period is counted, not named: it is not this report's news", () => {
    const logs = store();
    writeFileSync(join(logs, addDays(today, -1), 'planner', 'exec-broken.json'), '{"half":');
    const today_ = run(logs, ['report', '--daily', today]);
    expect(today_.code).toBe(0);
    expect(today_.stderr).not.toContain('exec-broken.json');
    expect(today_.stderr).toMatch(/warning: 1 unreadable file\(s\) in days outside this period were skipped too/);
    const yesterday = run(logs, ['report', '--daily', addDays(today, -1)]);
    expect(yesterday.stderr).toMatch(/warning: skipped .*exec-broken\.json: not valid JSON/);
  });

  test.each([
    [['report', '--format', 'xml'], 'unknown format "xml"'],
    [['report', '--json', '--format', 'csv'], 'contradict'],
    [['report', '--daily', '--monthly'], 'choose one period'],
    [['report', '--daily', '2026-02-30'], '--daily expects a date'],
    [['report', '--week', '2026-47'], '--week expects an ISO week'],
    [['report', '--monthly', '2026-13'], '--monthly expects a month'],
    [['report', '--since', '3h'], '--since expects a date'],
    [['report', '--since', '2026-11-20', '--until', '2026-11-01'], 'is after'],
    [['report', '--no-such-flag'], "unknown option '--no-such-flag'"],
    [['trends', '--days', 'ten'], '--days expects a whole number'],
    [['trends', '--days', '7', '--since', '2026-01-01'], "option '--days <n>' cannot be used with option '--since <date>'"],
  ])('%j is a usage error (exit 2)', (args, message) => {
    const result = run(join(tmpdir(), 'agent-track-nowhere'), args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  test('each run refreshes the metrics files and the closed days’ rollups', () => {
    const logs = store();
    expect(run(logs, ['report', '--daily']).code).toBe(0);
    const metrics = join(logs, 'metrics');
    expect(Report.parse(JSON.parse(readFileSync(join(metrics, 'weekly-report.json'), 'utf8'))).period).toBe(`${addDays(today, -6)} to ${today}`);
    expect(Trends.parse(JSON.parse(readFileSync(join(metrics, 'performance-trends.json'), 'utf8'))).days).toHaveLength(30);
    expect(existsSync(join(metrics, 'weekly', `${isoWeekOf(today)}.json`))).toBe(true);
    expect(existsSync(join(metrics, 'monthly', `${today.slice(0, 7)}.json`))).toBe(true);
    const yesterday = addDays(today, -1);
    expect(existsSync(summaryPath(logs, yesterday))).toBe(true);
    expect(existsSync(summaryPath(logs, today))).toBe(false);
  });

  test('a record added to a closed day is counted by the next run, which rebuilds that day’s rollup', () => {
    const logs = store();
    const day = addDays(today, -3);
    run(logs, ['report', '--daily', day]);
    const before = DaySummaryFile.parse(JSON.parse(readFileSync(summaryPath(logs, day), 'utf8')));
    expect(before.executions).toBe(6);

    writeRecords(logs, [makeRecord({ id: 'late-arrival', agent: 'planner', start: daysAgo(3, 20), duration: 9000 })]);
    appendFileSync(join(logs, day, 'completions.jsonl'), '{"executionId":"late-arrival"}\n');
    age(logs, day, 10);
    const report = Report.parse(JSON.parse(run(logs, ['report', '--daily', day, '--json']).stdout));
    expect(report.summary.totalExecutions).toBe(7);
    const after = DaySummaryFile.parse(JSON.parse(readFileSync(summaryPath(logs, day), 'utf8')));
    expect(after.executions).toBe(7);
    expect(after.agents.planner!.durations).toContain(9000);
  });

  test('rollups rebuilt by worker threads give the same report as the records themselves', () => {
    const logs = store();
    const strip = (text: string) => ({ ...(JSON.parse(text) as Record<string, unknown>), generatedAt: null });
    const first = run(logs, ['report', '--since', addDays(today, -9), '--json']);
    expect(readdirSync(logs).filter((n) => /^\d{4}-/.test(n) && n < today && existsSync(summaryPath(logs, n))).length).toBe(9);
    const second = run(logs, ['report', '--since', addDays(today, -9), '--json']);
    expect(strip(second.stdout)).toEqual(strip(first.stdout));
    const days = readdirSync(logs).filter((n) => /^\d{4}-/.test(n)).map((day) => recordsSummaryOf(logs, day, () => {}));
    const direct = buildReport({
      period: customPeriod(addDays(today, -9), today, today),
      days,
      baseline: [],
      baselineDays: 28,
      agents: null,
      prices: {},
      now: Date.parse(JSON.parse(first.stdout).generatedAt),
    });
    expect(JSON.parse(first.stdout)).toEqual(JSON.parse(JSON.stringify(direct)));
  });

  test('an --agent that matched nothing names the agents that did run, with a hint for a name in another case', () => {
    const logs = store();
    const typo = run(logs, ['report', '--agent', 'Planner']);
    expect(typo.code).toBe(0);
    expect(typo.stdout).toContain(`No runs of "Planner" from ${addDays(today, -6)} to ${today}, though`);
    expect(typo.stdout).toContain('Did you mean --agent "planner"? Agent names are case-sensitive.');
    expect(typo.stdout).toMatch(/Agents with runs in that period, closest first: planner \(21\), test-runner \(21\)/);
    expect(typo.stdout).not.toContain('--since');

    const unknown = run(logs, ['report', '--agent', 'nosuch']);
    expect(unknown.stdout).toMatch(/most runs first: (planner|test-runner) \(21\)/);
    expect(unknown.stdout).not.toContain('Did you mean');

    const json = run(logs, ['trends', '--agent', 'Planner', '--json']);
    expect(Trends.parse(JSON.parse(json.stdout)).overall.current.executions).toBe(0);
    expect(json.stderr).toContain('Did you mean --agent "planner"?');
  });

  test('--trends gives the trends of the chosen period', () => {
    const logs = store();
    const result = run(logs, ['report', '--weekly', '--trends', '--json']);
    const trends = Trends.parse(JSON.parse(result.stdout));
    expect(trends.days).toHaveLength(7);
    expect(trends.overall.current.executions).toBe(45);
  });
});

describe('agent-track trends', () => {
  test('prints sparklines per agent and validates as JSON', () => {
    const logs = store();
    const table = run(logs, ['trends', '--days', '10'], { COLUMNS: '150' });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Subagent trends');
    expect(table.stdout).toMatch(/planner .*[▁▂▃▄▅▆▇█]/);
    // The window ends today, which is not over yet.
    expect(table.stdout).toContain(`${today} is today so far: not in slopes or day anomalies`);
    const trends = Trends.parse(JSON.parse(run(logs, ['trends', '--days', '10', '--json']).stdout));
    expect(trends.agents.find((a) => a.agent === 'planner')!.series.executions).toEqual(Array(10).fill(3));
  });

  test('csv has one row per day and agent', () => {
    const logs = store();
    const lines = run(logs, ['trends', '--days', '3', '--format', 'csv', '--agent', 'planner']).stdout.trim().split('\r\n');
    expect(lines[0]).toBe('day,agent,executions,successRate,p50DurationMs,tokensUsed,costUsd,partialDay');
    expect(lines.slice(1).map((l) => `${l.split(',')[0]} ${l.split(',').at(-1)}`)).toEqual(
      [addDays(today, -2), addDays(today, -2), addDays(today, -1), addDays(today, -1), today, today].map((d) => `${d} ${d === today}`),
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      `${addDays(today, -2)},(all),3`,
      `${addDays(today, -2)},planner,3`,
      `${addDays(today, -1)},(all),3`,
      `${addDays(today, -1)},planner,3`,
      `${today},(all),3`,
      `${today},planner,3`,
    ]);
  });

  test('a period with no runs gets a helpful line, not an empty table', () => {
    const logs = store();
    const result = run(logs, ['trends', '--since', '2020-01-01', '--until', '2020-01-31']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No subagent executions from 2020-01-01 to 2020-01-31\. Recorded days run from/);
  });
});
