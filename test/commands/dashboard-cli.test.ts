import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { DATA_ELEMENT_ID } from '../../src/dashboard/page.js';
import { DashboardData } from '../../src/schema/dashboard.js';
import { localDay } from '../../src/time/period.js';
import type { RunDetail } from '../../src/schema/runs.js';
import { unpackRecent } from '../../src/dashboard/recent-pack.js';
import { makeRecord } from '../analytics/make-record.js';
import { tempLogs, writeRecords } from '../store/store-helpers.js';
import { runCli } from '../support/cli.js';

// `agent-track dashboard` as a user runs it: the built CLI writing the page
// for temporary logs folders. Its data must be the other commands' JSON.

const HOUR = 3_600_000;
// The test's own clock, handed to the CLI through AGENT_TRACK_NOW: noon, so that the
// runs it writes up to four hours before now all fall on the day they are counted in,
// whatever the hour the suite runs at.
const now = new Date(2026, 10, 20, 12, 0).getTime();

function cli(logs: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = tmpdir()) {
  return runCli(['--logs-dir', logs, ...args], { env: { AGENT_TRACK_NOW: String(now), ...env }, cwd });
}

function dataOf(path: string): DashboardData {
  const html = readFileSync(path, 'utf8');
  const match = new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">([^<]*)</script>`).exec(html);
  const parsed = z.safeParse(DashboardData, JSON.parse(match![1]!));
  if (!parsed.success) throw new Error(`embedded data does not match its schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
  return parsed.data;
}

/** Ten days of two agents, some failures. */
function store(): string {
  const logs = tempLogs();
  const records = [];
  for (let d = 0; d < 10; d++) {
    for (let i = 0; i < 4; i++) {
      const failed = i === 3 && d % 3 === 0;
      records.push(
        makeRecord({
          id: `d${d}r${i}`,
          agent: i % 2 ? 'tester' : 'planner',
          start: now - d * 24 * HOUR - (i + 1) * HOUR,
          duration: 1000 * (i + 1) + d,
          status: failed ? 'failed' : i === 2 && d % 2 ? 'partial' : 'success',
          errors: failed ? [{ type: 'api_error', message: 'API Error: 529 overloaded' }] : [],
          tools: { Read: { calls: 3, failures: i === 2 ? 1 : 0 }, Bash: { calls: 1, failures: 0 } },
        }),
      );
    }
  }
  writeRecords(logs, records);
  return logs;
}

const withoutTime = <T extends { generatedAt: string }>(value: T) => ({ ...value, generatedAt: '(now)' });

describe('agent-track dashboard', () => {
  test('writes one HTML file under the logs folder by default and prints where', () => {
    const logs = store();
    const run = cli(logs, ['dashboard']);
    expect(run.status).toBe(0);
    const path = join(logs, 'metrics', 'dashboard.html');
    expect(run.stdout).toContain(path);
    expect(run.stdout).toMatch(/Dashboard of 40 executions from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(\d+ KB\)/);
    expect(readFileSync(path, 'utf8').startsWith('<!doctype html>')).toBe(true);
  });

  test('its numbers are the JSON of report, trends and the daily reports for the same days', () => {
    const logs = store();
    const out = join(mkdtempSync(join(tmpdir(), 'agent-track-dash-')), 'page.html');
    expect(cli(logs, ['dashboard', '--days', '10', '--out', out]).status).toBe(0);
    const data = dataOf(out);
    const { from, to } = data.report.range;
    expect(to).toBe(localDay(now));
    expect(data.report.summary.totalExecutions).toBe(40);

    const report = JSON.parse(cli(logs, ['report', '--since', from, '--until', to, '--json']).stdout);
    expect(withoutTime(data.report)).toEqual(withoutTime(report));
    const trends = JSON.parse(cli(logs, ['trends', '--since', from, '--until', to, '--json']).stdout);
    expect(withoutTime(data.trends)).toEqual(withoutTime(trends));
    for (const entry of [data.daily[0]!, data.daily[5]!]) {
      const daily = JSON.parse(cli(logs, ['report', '--daily', entry.day, '--json']).stdout);
      expect(entry.summary).toEqual(daily.summary);
    }
    expect(data.daily.map((d) => d.day)).toEqual(data.trends.days);
  });

  test('the recent executions come from the latest two recorded days, latest first', () => {
    const logs = store();
    const out = join(mkdtempSync(join(tmpdir(), 'agent-track-dash-')), 'page.html');
    cli(logs, ['dashboard', '--out', out]);
    const { recent } = dataOf(out);
    const executions = unpackRecent(recent).map((r) => r.row);
    expect(recent.days).toHaveLength(2);
    expect(recent.total).toBe(executions.length);
    const starts = executions.map((e) => Date.parse(e.startTime));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(new Set(executions.map((e) => localDay(Date.parse(e.startTime))))).toEqual(new Set(recent.days));
  });

  test('--out is relative to the current folder', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'agent-track-cwd-'));
    expect(cli(store(), ['dashboard', '--out', 'team.html'], {}, cwd).status).toBe(0);
    expect(existsSync(join(cwd, 'team.html'))).toBe(true);
  });

  test('--out into a folder that does not exist is an error, and creates nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'agent-track-out-'));
    const out = join(root, 'nonexistent', 'dir', 'x.html');
    const run = cli(store(), ['dashboard', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`agent-track: --out ${out}: the folder ${join(root, 'nonexistent', 'dir')} does not exist\n`);
    expect(run.stdout).toBe('');
    expect(existsSync(join(root, 'nonexistent'))).toBe(false);
  });

  test('with no records it still writes a page, one that says how to start tracking', () => {
    const logs = tempLogs();
    const run = cli(logs, ['dashboard']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('agent-track install');
    const data = dataOf(join(logs, 'metrics', 'dashboard.html'));
    expect(data.recordedDays).toBeNull();
    expect(data.report.summary.totalExecutions).toBe(0);
  });

  test('a corrupt record is skipped with a warning', () => {
    const logs = store();
    writeFileSync(join(logs, localDay(now - 24 * HOUR), 'planner', 'exec-broken.json'), 'not json');
    const run = cli(logs, ['dashboard']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/warning: skipped .*exec-broken\.json/);
  });

  test('--open hands the file to $BROWSER', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-track-browser-'));
    const browser = join(dir, 'browser');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${join(dir, 'opened')}'\n`);
    chmodSync(browser, 0o755);
    const logs = store();
    const run = cli(logs, ['dashboard', '--open'], { BROWSER: browser });
    expect(run.status).toBe(0);
    // The opener runs detached: wait for it rather than for a fixed time.
    for (let i = 0; i < 100 && !existsSync(join(dir, 'opened')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(join(dir, 'opened'), 'utf8')).toBe(join(logs, 'metrics', 'dashboard.html'));
  });

  test('--open without any opener still succeeds and says where the file is', () => {
    const run = cli(store(), ['dashboard', '--open'], { BROWSER: '', PATH: '/nonexistent' });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/could not open it \((xdg-open|open) is not installed\); open .*dashboard\.html in a browser/);
  });

  test('bad periods are usage errors (exit 2)', () => {
    expect(cli(tempLogs(), ['dashboard', '--days', '0']).status).toBe(2);
    expect(cli(tempLogs(), ['dashboard', '--days', '7', '--since', '2026-01-01']).status).toBe(2);
    expect(cli(tempLogs(), ['dashboard', '--until', 'tomorrow']).status).toBe(2);
  });

  test("the detail view carries each run's stored tool calls, within the page's budget, newest runs first", () => {
    const logs = tempLogs();
    // 60 runs of 200 calls each (the most a record keeps): 12,000 calls, far more than the page takes.
    const records = Array.from({ length: 60 }, (_, i) => {
      const record = makeRecord({ id: `r${String(i).padStart(2, '0')}`, agent: 'coder', start: now - (i + 1) * 60_000, duration: 50_000 });
      record.metrics.toolTimeline = Array.from({ length: 200 }, (_, c) => ({ tool: c % 7 ? 'Read' : 'Bash', start: c * 200, duration: 150, ok: c % 11 !== 5 }));
      return record;
    });
    writeRecords(logs, records);
    const out = join(mkdtempSync(join(tmpdir(), 'agent-track-dash-')), 'd.html');
    expect(cli(logs, ['dashboard', '--out', out]).status).toBe(0);
    const details = detailsOf(dataOf(out));
    const shown = timelineLengths(details);
    // 40 calls a run, 1,000 in all: the 25 newest runs have theirs, the older ones none; each says how many it has.
    expect(shown.map(([id, n]) => [id, n])).toEqual(records.map((r, i) => [r.id, i < 25 ? 40 : 0]));
    expect(Object.values(details).every((d) => d.timeline.total === 200)).toBe(true);
    expect(details.r00!.timeline.calls).toEqual(records[0]!.metrics.toolTimeline!.slice(0, 40));
  });
});

function detailsOf(data: DashboardData): Record<string, RunDetail> {
  return Object.fromEntries(unpackRecent(data.recent).map((r) => [r.row.id, r.detail]));
}

function timelineLengths(details: Record<string, RunDetail>): [string, number][] {
  return Object.entries(details)
    .map(([id, d]) => [id, d.timeline.calls.length] as [string, number])
    .sort((a, b) => a[0].localeCompare(b[0]));
}
