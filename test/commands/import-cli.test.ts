import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import * as z from 'zod/mini';
import { projectKey } from '../../src/import/project-key';
import { ImportSummary } from '../../src/schema/import';
import { ProjectsReport } from '../../src/schema/projects-report';
import { StatusProjects } from '../../src/schema/status-projects';
import { runCli } from '../support/cli';
import { addSession } from '../support/fixtures.js';

// `agent-track import` as a user runs it, in a project folder, on a real 2.1.332 session.

function machine() {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-import-cli-'));
  const project = join(root, 'shop-api');
  mkdirSync(join(project, '.claude'), { recursive: true });
  addSession(join(root, 'claude', 'projects'), project, 'fanout');
  return { project, env: { CLAUDE_CONFIG_DIR: join(root, 'claude'), HOME: root } };
}

test('imports the project it is run in, then finds nothing new; --json matches its schema', () => {
  const { project, env } = machine();
  const first = runCli(['import'], { env, cwd: project });
  expect(first.status).toBe(0);
  expect(first.stderr).toBe('');
  expect(first.stdout).toMatch(/^Read 1 session\(s\) from .*\n3 subagent run\(s\): 3 new record\(s\), 0 completed, 0 already there, 0 with no end yet\n$/);
  const second = runCli(['import', '--json'], { env, cwd: project });
  const summary = z.parse(ImportSummary, JSON.parse(second.stdout));
  expect(summary).toMatchObject({ sessions: 1, unchangedSessions: 1, newRecords: 0, dryRun: false });
  const report = runCli(['report', '--json', '--since', '3650d'], { env, cwd: project });
  expect(JSON.parse(report.stdout).summary.totalExecutions).toBe(3);
});

test('a bad --since is a usage error: one line, exit 2', () => {
  const { project, env } = machine();
  const run = runCli(['import', '--since', 'yesterday'], { env, cwd: project });
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/^agent-track: --since yesterday: expected YYYY-MM-DD or a span such as 30d\n/);
});

/** A machine with three projects that ran Claude Code; the last one since deleted. */
function threeProjects() {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-projects-'));
  const names = ['api', 'web', 'gone'] as const;
  const scenarios = { api: 'single', web: 'fanout', gone: 'nested-background' };
  for (const name of names) {
    const project = join(root, name);
    mkdirSync(project);
    addSession(join(root, 'claude', 'projects'), project, scenarios[name]);
  }
  rmSync(join(root, 'gone'), { recursive: true });
  return { root, env: { CLAUDE_CONFIG_DIR: join(root, 'claude'), HOME: root, XDG_CONFIG_HOME: join(root, 'config') } };
}

test('--all-projects imports each project into its own logs folder, lists the deleted one; reports across them', () => {
  const { root, env } = threeProjects();
  const imported = runCli(['import', '--all-projects'], { env, cwd: root });
  expect(imported.status, imported.stderr).toBe(0);
  expect(imported.stdout).toContain(`skipped project (folder no longer exists): ${join(root, 'gone')}`);
  expect(imported.stdout).toContain(`${join(root, 'api')}: 1 session(s), 1 run(s), 1 new`);
  expect(imported.stdout).toContain(`${join(root, 'web')}: 1 session(s), 3 run(s), 3 new`);
  // The registry remembers them, for reports across projects.
  expect(Object.keys(JSON.parse(readFileSync(join(root, 'config', 'agent-track', 'projects.json'), 'utf8')).projects).sort()).toEqual([join(root, 'api'), join(root, 'web')]);

  const report = runCli(['report', '--all-projects', '--since', '3650d', '--json'], { env, cwd: root });
  expect(report.status, report.stderr).toBe(0);
  const all = z.parse(ProjectsReport, JSON.parse(report.stdout));
  expect(all.projects.map((p) => [p.project, p.executions])).toEqual([
    [join(root, 'web'), 3],
    [join(root, 'api'), 1],
  ]);
  expect(all.totals).toMatchObject({ projects: 2, executions: 4 });
  // status --all-projects: each project's own status, one row each (what falls in the last 24 hours depends on the clock).
  const status = runCli(['status', '--all-projects', '--json'], { env, cwd: root });
  expect(status.status, status.stderr).toBe(0);
  const statuses = z.parse(StatusProjects, JSON.parse(status.stdout));
  expect(statuses.projects.map((p) => p.project).sort()).toEqual([join(root, 'api'), join(root, 'web')]);
  expect(statuses.projects.every((p) => p.activeAgents === 0)).toBe(true);
  expect(runCli(['status', '--all-projects'], { env, cwd: root }).stdout).toMatch(/Subagent status across projects/);
  const watching = runCli(['status', '--all-projects', '--watch'], { env, cwd: root });
  expect([watching.status, watching.stderr]).toEqual([2, 'agent-track: --all-projects shows every project once: leave out --watch, --logs-dir and --project\n(run with --help for usage)\n']);
  const table = runCli(['report', '--all-projects', '--since', '3650d'], { env, cwd: root });
  expect(table.stdout).toMatch(/Subagent report across projects/);

  const one = runCli(['--project', 'api', 'report', '--since', '3650d', '--json'], { env, cwd: tmpdir() });
  expect(JSON.parse(one.stdout).summary.totalExecutions).toBe(1);
  const unknown = runCli(['--project', 'nope', 'status'], { env, cwd: tmpdir() });
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toMatch(/^agent-track: no project named nope with a logs folder \(known: api, web\)\n$/);
});

test('--all-projects --logs-dir gathers every project into one folder: the views across projects count it once', () => {
  const { root, env } = threeProjects();
  const shared = join(root, 'team-logs');
  const imported = runCli(['import', '--all-projects', '--logs-dir', shared], { env, cwd: root });
  expect(imported.status, imported.stderr).toBe(0);
  const report = runCli(['report', '--all-projects', '--since', '3650d', '--json'], { env, cwd: root });
  expect(report.status, report.stderr).toBe(0);
  const all = z.parse(ProjectsReport, JSON.parse(report.stdout));
  // One folder, one row, named for itself: not three rows of the same runs under each project's name.
  expect(all.projects.map((p) => p.project)).toEqual([shared]);
  const own = JSON.parse(runCli(['--logs-dir', shared, 'report', '--since', '3650d', '--json'], { env, cwd: root }).stdout);
  expect(own.summary.totalExecutions).toBe(7);
  expect(all.totals.executions).toBe(7);
});

test('two projects imported one by one into the same --logs-dir: that folder is one row, named for itself', () => {
  const { root, env } = threeProjects();
  const shared = join(root, 'team-logs');
  for (const name of ['api', 'web']) expect(runCli(['import', '--logs-dir', shared], { env, cwd: join(root, name) }).status).toBe(0);
  const all = z.parse(ProjectsReport, JSON.parse(runCli(['report', '--all-projects', '--since', '3650d', '--json'], { env, cwd: root }).stdout));
  expect(all.projects.map((p) => [p.project, p.executions])).toEqual([[shared, 4]]);
  expect(all.totals.executions).toBe(4);
});

test('a project Claude Code has no sessions of gets one line saying where it looked', () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-import-none-'));
  const run = runCli(['import'], { env: { CLAUDE_CONFIG_DIR: join(root, 'claude'), HOME: root }, cwd: root });
  expect(run.status).toBe(0);
  expect(run.stdout).toBe(`No Claude Code sessions of ${root} under ${join(root, 'claude', 'projects')} (its folder there is named ${projectKey(root)}).\n`);
});
