import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { DATA_ELEMENT_ID } from '../../src/dashboard/page.js';
import { DashboardData } from '../../src/schema/dashboard.js';
import { ProjectsTrends } from '../../src/schema/projects-trends.js';
import { Trends } from '../../src/schema/report.js';
import { runCli } from '../support/cli.js';
import { addSession } from '../support/fixtures.js';

// `trends --all-projects` and `dashboard --all-projects` on a machine with
// three projects that ran Claude Code (real 2.1.332 sessions), one of them
// since deleted: each live project's own trends, and every project together.

let root: string;
let env: NodeJS.ProcessEnv;
const since = ['--days', '30'];

function cli(args: string[], cwd = root) {
  return runCli(args, { env, cwd });
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'agent-track-projects-trends-'));
  const scenarios = { api: 'single', web: 'fanout', gone: 'nested-background' };
  for (const [name, scenario] of Object.entries(scenarios)) {
    mkdirSync(join(root, name));
    addSession(join(root, 'claude', 'projects'), join(root, name), scenario);
  }
  // The test's clock: a few days after the captures were made (2026-12-06).
  env = { CLAUDE_CONFIG_DIR: join(root, 'claude'), HOME: root, XDG_CONFIG_HOME: join(root, 'config'), AGENT_TRACK_NOW: String(Date.parse('2026-12-10T12:00:00Z')) };
  const imported = cli(['import', '--all-projects']);
  expect(imported.status, imported.stderr).toBe(0);
  rmSync(join(root, 'gone'), { recursive: true });
});

describe('trends --all-projects', () => {
  test("each live project's trend line is its own `trends`, and the totals add them up per day", () => {
    const run = cli(['trends', '--all-projects', ...since, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const all = z.parse(ProjectsTrends, JSON.parse(run.stdout));
    expect(all.projects.map((p) => [p.project, p.current.executions])).toEqual([
      [join(root, 'web'), 3],
      [join(root, 'api'), 1],
    ]);
    for (const p of all.projects) {
      const own = z.parse(Trends, JSON.parse(cli(['trends', ...since, '--json'], p.project).stdout));
      expect(p.series).toEqual(own.overall.series);
      expect(p.current).toEqual(own.overall.current);
      expect(p.topAgents.map((a) => a.agent)).toEqual([...own.agents].sort((a, b) => b.current.executions - a.current.executions || (a.agent < b.agent ? -1 : 1)).slice(0, 3).map((a) => a.agent));
    }
    expect(all.days).toHaveLength(30);
    expect(all.totals).toMatchObject({ projects: 2, executions: 4, previousExecutions: 0 });
    const perDay = all.days.map((_, i) => all.projects.reduce((n, p) => n + p.series.executions[i]!, 0));
    expect(all.totals.series.executions).toEqual(perDay);
    expect(all.totals.series.executions.reduce((a, b) => a + b, 0)).toBe(4);
  });

  test('a table with a row per project, and CSV with a row per day and project', () => {
    const table = cli(['trends', '--all-projects', '--days', '30']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Subagent trends across projects/);
    expect(table.stdout).toContain(join(root, 'web'));
    expect(table.stdout).not.toContain(join(root, 'gone'));
    const csv = cli(['trends', '--all-projects', '--days', '2', '--format', 'csv']).stdout.trim().split(/\r?\n/);
    expect(csv[0]).toBe('day,project,executions,successRate,p50DurationMs,tokensUsed,costUsd,partialDay');
    // Two days, each with the "(all)" line and one per project.
    expect(csv).toHaveLength(1 + 2 * 3);
  });

  test('--agent narrows every project to those agents', () => {
    const all = z.parse(ProjectsTrends, JSON.parse(cli(['trends', '--all-projects', ...since, '--agent', 'no-such-agent', '--json']).stdout));
    expect(all.filter.agents).toEqual(['no-such-agent']);
    expect(all.totals.executions).toBe(0);
  });

  test('with a flag for one project: one line, exit 2', () => {
    const run = cli(['--project', 'api', 'trends', '--all-projects']);
    expect([run.status, run.stderr.split('\n')[0]]).toEqual([2, 'agent-track: --all-projects reports every project: leave out --out, --logs-dir, --project']);
  });

  test('--project NAME alone gives that project its own trends', () => {
    const one = z.parse(Trends, JSON.parse(cli(['--project', 'api', 'trends', ...since, '--json'], tmpdir()).stdout));
    expect(one.overall.current.executions).toBe(1);
  });
});

describe('dashboard --all-projects', () => {
  test('embeds the projects as `trends --all-projects` gives them, beside the project it is run in', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'agent-track-projects-dash-')), 'all.html');
    const run = cli(['dashboard', '--all-projects', '--days', '30', '--out', out], join(root, 'web'));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Dashboard of 3 executions here and 4 in 2 projects, from /);
    const html = readFileSync(out, 'utf8');
    const data = z.parse(DashboardData, JSON.parse(new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">([^<]*)</script>`).exec(html)![1]!));
    const trends = z.parse(ProjectsTrends, JSON.parse(cli(['trends', '--all-projects', '--days', '30', '--json']).stdout));
    expect({ ...data.projects!, generatedAt: '' }).toEqual({ ...trends, generatedAt: '' });
    expect(data.report.summary.totalExecutions).toBe(3);
  });

  test('by default beside the project\'s own page; a flag for one project is refused', () => {
    const run = cli(['dashboard', '--all-projects'], join(root, 'api'));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').pop()).toBe(join(root, 'api', '.claude', 'execution-logs', 'metrics', 'dashboard-all-projects.html'));
    const refused = cli(['--logs-dir', root, 'dashboard', '--all-projects']);
    expect([refused.status, refused.stderr.split('\n')[0]]).toEqual([2, 'agent-track: --all-projects shows every project beside this one: leave out --logs-dir, --project']);
  });
});
