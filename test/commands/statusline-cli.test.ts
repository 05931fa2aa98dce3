import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ingestPayload } from '../../src/capture/ingest.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { makeRecord } from '../analytics/make-record.js';
import { tempLogs, writeRecords } from '../store/store-helpers.js';
import { runCli } from '../support/cli.js';
import { loadFixture } from '../support/fixtures.js';

// `agent-track statusline` and the SessionStart alert (`hook --alerts`) on the
// built CLI, fed the JSON Claude Code pipes to them. Runs are placed a moment
// before now and never before today's midnight, so today holds them at any hour.

const now = Date.now();
const midnight = new Date(now).setHours(0, 0, 0, 0);
const justBefore = (ms: number) => Math.max(midnight, now - ms);
const PRICES = { 'test-model': { input: 10, output: 10, cacheWrite: 10, cacheRead: 10 } };

/** The statusline payload as Claude Code documents it (code.claude.com/docs/en/statusline). */
function statuslinePayload(sessionId: string, projectDir: string): string {
  return JSON.stringify({
    hook_event_name: 'Status',
    session_id: sessionId,
    transcript_path: join(projectDir, `${sessionId}.jsonl`),
    cwd: projectDir,
    model: { id: 'claude-opus-5-5', display_name: 'Opus' },
    workspace: { current_dir: projectDir, project_dir: projectDir },
    version: '2.1.332',
    output_style: { name: 'default' },
    cost: { total_cost_usd: 0.42, total_duration_ms: 60_000, total_api_duration_ms: 20_000, total_lines_added: 3, total_lines_removed: 1 },
  });
}

function withConfig(logs: string, config: unknown): void {
  writeFileSync(join(dirname(logs), 'agent-track.json'), JSON.stringify(config));
}

const statusline = (logs: string, input: string, args: string[] = []) => runCli(['statusline', ...args], { input, cwd: tmpdir(), env: { AGENT_TRACK_LOGS_DIR: logs } });

/** The 'single' fixture's session with a $10 day budget and three general-purpose runs of 60 s earlier today ($1 each): what its run is expected to take. */
function sessionWithHistory() {
  const fixture = loadFixture('single');
  const logs = fixture.logsDir;
  mkdirSync(logs, { recursive: true });
  withConfig(logs, { prices: PRICES, budgets: [{ period: 'day', usd: 10 }] });
  writeRecords(logs, [0, 1, 2].map((i) => makeRecord({ id: `h${i}`, agent: 'general-purpose', start: justBefore(60_000 * (i + 2)), duration: 60_000, model: 'test-model', tokens: { input: 100_000, output: 0 } })));
  return { fixture, logs, input: statuslinePayload(fixture.sessionId, fixture.projectDir) };
}

/** The fixture's hook events up to its SubagentStart, 20 s ago: its subagent is running. Returns them. */
function startSubagent(fixture: ReturnType<typeof loadFixture>, logs: string) {
  const upToStart = fixture.payloads.slice(0, fixture.payloads.findIndex((p) => p.hook_event_name === 'SubagentStart') + 1);
  upToStart.forEach((payload, i) => ingestPayload(payload, { logsDir: logs, config: DEFAULT_CONFIG, now: now - 20_000 + i, deadline: Date.now() + 5000 }));
  return upToStart;
}

/** Every file and folder of the store written an hour ago, as a store is between two messages: settled, so a line drawn is kept. */
function settle(logs: string): void {
  const hourAgo = new Date(now - 3_600_000);
  const age = (path: string): void => {
    if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) age(join(path, name));
    utimesSync(path, hourAgo, hourAgo);
  };
  age(dirname(logs));
}

describe('agent-track statusline', () => {
  test('shows the subagent running in this session, elapsed against expected, and today’s cost against the day budget', () => {
    const { fixture, logs, input } = sessionWithHistory();
    startSubagent(fixture, logs);

    const run = statusline(logs, input);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^▶ general-purpose \d+s\/1m00s · subagents today \$3\.00\/\$10\.00\n$/);
    // Another session's statusline does not show this session's run.
    expect(statusline(logs, statuslinePayload('other-session', fixture.projectDir)).stdout).toBe('subagents today $3.00/$10.00\n');
  });

  test('reads today from its completion lines to the same line as from its records', () => {
    const fixture = loadFixture('single');
    const logs = fixture.logsDir;
    mkdirSync(logs, { recursive: true });
    withConfig(logs, { budgets: [{ period: 'day', usd: 10 }] });
    fixture.payloads.forEach((payload, i) => ingestPayload(payload, { logsDir: logs, config: DEFAULT_CONFIG, now: justBefore(60_000) + i, deadline: Date.now() + 5000 }));
    const input = statuslinePayload(fixture.sessionId, fixture.projectDir);
    const fromLines = statusline(logs, input);
    expect(fromLines.stdout).toMatch(/^subagents today \$\d+\.\d+\/\$10\.00\n$/);
    expect(fromLines.stdout).not.toContain('$0.00/');
    // The same day as lines written before they carried the model and tokens: read from the record instead.
    const path = join(logs, readdirSync(logs).find((name) => /^\d{4}-\d{2}-\d{2}$/.test(name))!, 'completions.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    writeFileSync(path, lines.map((text) => { const { model: _m, tokens: _t, ...rest } = JSON.parse(text) as Record<string, unknown>; return `${JSON.stringify(rest)}\n`; }).join(''));
    expect(statusline(logs, input).stdout).toBe(fromLines.stdout);
  });

  test('marks a spent budget and a failing agent', () => {
    const logs = tempLogs();
    withConfig(logs, { prices: PRICES, budgets: [{ name: 'daily', period: 'day', usd: 1 }] });
    writeRecords(logs, [
      makeRecord({ id: 'a', agent: 'planner', start: justBefore(9000), model: 'test-model', tokens: { input: 200_000, output: 0 } }),
      ...[0, 1, 2].map((i) => makeRecord({ id: `f${i}`, agent: 'tester', start: justBefore(3000 - i * 100), duration: 10, status: 'failed', tokens: null })),
    ]);
    expect(statusline(logs, statuslinePayload('s', dirname(dirname(logs)))).stdout).toBe('subagents today $2.00/$1.00 · ⚠ daily spent +1\n');
  });

  test('wraps the user’s own statusline, its first line beside ours', () => {
    const logs = tempLogs();
    const theirs = Buffer.from(JSON.stringify({ type: 'command', command: 'read x; echo "mine: $(echo "$x" | wc -c)"; echo second' })).toString('base64url');
    const run = statusline(logs, statuslinePayload('s', tmpdir()), ['--wrap', theirs]);
    expect(run.stdout).toMatch(/^mine: \d+ │ subagents today \$0\n$/);
  });

  test('the warm path prints the line kept for the session while nothing changed; a run started since is drawn afresh', () => {
    const { fixture, logs, input } = sessionWithHistory();
    settle(logs);
    expect(statusline(logs, input).stdout).toBe('subagents today $3.00/$10.00\n');
    const linePath = join(logs, '.state', '.statusline-line.json');
    const kept = JSON.parse(readFileSync(linePath, 'utf8')) as { sessions: Record<string, { line: string; alerts?: string }> };
    expect(kept.sessions[fixture.sessionId]).toMatchObject({ line: 'subagents today $3.00/$10.00', alerts: '' });
    // What the warm path prints is the kept line (marked here to tell it from a line drawn afresh), the alert's too.
    kept.sessions[fixture.sessionId]!.line = 'kept line';
    kept.sessions[fixture.sessionId]!.alerts = JSON.stringify({ systemMessage: 'kept alert' });
    writeFileSync(linePath, JSON.stringify(kept));
    expect(statusline(logs, input)).toMatchObject({ status: 0, stdout: 'kept line\n', stderr: '' });
    const sessionStart = JSON.stringify({ session_id: fixture.sessionId, cwd: fixture.projectDir, hook_event_name: 'SessionStart', source: 'resume' });
    expect(runCli(['hook', '--alerts'], { input: sessionStart, cwd: tmpdir(), env: { AGENT_TRACK_LOGS_DIR: logs } }).stdout).toBe('{"systemMessage":"kept alert"}\n');
    // Another session has no kept line: drawn afresh.
    expect(statusline(logs, statuslinePayload('other-session', fixture.projectDir)).stdout).toBe('subagents today $3.00/$10.00\n');
    // A subagent starts in this session: its state folder changed, so the line is drawn afresh, with it.
    startSubagent(fixture, logs);
    expect(statusline(logs, input).stdout).toMatch(/^▶ general-purpose \d+s\/1m00s · subagents today \$3\.00\/\$10\.00\n$/);
  });

  test('while a subagent of the session runs, the warm path prints the kept line with the run’s elapsed time drawn for its own clock', () => {
    const { fixture, logs, input } = sessionWithHistory();
    const upToStart = startSubagent(fixture, logs);
    settle(logs);
    expect(statusline(logs, input).stdout).toMatch(/^▶ general-purpose \d+s\/1m00s · subagents today \$3\.00\/\$10\.00\n$/);
    const linePath = join(logs, '.state', '.statusline-line.json');
    type Kept = { sessions: Record<string, { line: string; running?: { shown: { agentType: string; startTime: number; expectedMs: number | null }[]; count: number } }> };
    const kept = JSON.parse(readFileSync(linePath, 'utf8')) as Kept;
    const entry = kept.sessions[fixture.sessionId]!;
    expect(entry).toMatchObject({ line: 'subagents today $3.00/$10.00', running: { count: 1, shown: [{ agentType: 'general-purpose', startTime: now - 20_000 + upToStart.findIndex((p) => p.hook_event_name === 'PreToolUse'), expectedMs: 60_000 }] } });
    // Marked to tell it from a line drawn afresh: the run started an hour and two minutes before the warm path prints.
    entry.line = 'kept line';
    entry.running!.shown[0]!.startTime = Date.now() - 3_725_000;
    writeFileSync(linePath, JSON.stringify(kept));
    expect(statusline(logs, input)).toMatchObject({ status: 0, stdout: '⏰ general-purpose 1h02m/1m00s · kept line\n', stderr: '' });
    // The run ends: drawn afresh, without it.
    fixture.payloads.slice(upToStart.length).forEach((payload, i) => ingestPayload(payload, { logsDir: logs, config: DEFAULT_CONFIG, now: now - 5_000 + i, deadline: Date.now() + 5000 }));
    expect(statusline(logs, input).stdout).toMatch(/^subagents today \$3\.\d\d\/\$10\.00\n$/);
  });

  test('never prints an error into the line: a broken config or payload is a short mark', () => {
    const logs = tempLogs();
    writeFileSync(join(dirname(logs), 'agent-track.json'), '{"budgets": [{"period": "year"}]}');
    expect(statusline(logs, statuslinePayload('s', tmpdir()))).toMatchObject({ status: 0, stdout: 'agent-track ⚠?\n', stderr: '' });
    const ok = tempLogs();
    expect(statusline(ok, 'not json')).toMatchObject({ status: 0, stdout: 'agent-track ⚠?\n', stderr: '' });
    expect(statusline(ok, '')).toMatchObject({ status: 0, stdout: "subagents today $0\n" });
  });
});

describe('agent-track hook --alerts (SessionStart)', () => {
  const sessionStart = (dir: string) => JSON.stringify({ session_id: 'next', transcript_path: join(dir, 'next.jsonl'), cwd: dir, hook_event_name: 'SessionStart', source: 'startup' });
  const alert = (logs: string) => runCli(['hook', '--alerts'], { input: sessionStart(dirname(dirname(logs))), cwd: tmpdir(), env: { AGENT_TRACK_LOGS_DIR: logs } });

  test('prints Claude Code’s systemMessage JSON, one line, when a budget is past its warning share', () => {
    const logs = tempLogs();
    withConfig(logs, { prices: PRICES, budgets: [{ name: 'daily', period: 'day', usd: 2.2 }] });
    writeRecords(logs, [0, 1].map((i) => makeRecord({ id: `r${i}`, agent: 'planner', start: justBefore(5000 + i), model: 'test-model', tokens: { input: 100_000, output: 0 } })));
    const run = alert(logs);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toHaveLength(2);
    expect(JSON.parse(run.stdout)).toEqual({ systemMessage: expect.stringMatching(/^agent-track: budget "daily": \$2\.00 of \$2\.20 \(90\.9%\) today/) });
  });

  test('prints nothing when all is well, and nothing on a broken config (the reason goes to hook-errors.log)', () => {
    const logs = tempLogs();
    withConfig(logs, { budgets: [{ period: 'day', usd: 100 }] });
    expect(alert(logs)).toMatchObject({ status: 0, stdout: '', stderr: '' });
    writeFileSync(join(dirname(logs), 'agent-track.json'), '{"budgets": 3}');
    expect(alert(logs)).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(logs, 'hook-errors.log'), 'utf8')).toContain('alerts: invalid config');
  });
});

describe('install --statusline --alerts', () => {
  const project = (settings?: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-track-statusline-'));
    mkdirSync(join(dir, '.claude'));
    if (settings !== undefined) writeFileSync(join(dir, '.claude', 'settings.json'), JSON.stringify(settings));
    return dir;
  };
  const read = (dir: string) => JSON.parse(readFileSync(join(dir, '.claude', 'settings.json'), 'utf8'));

  test('writes the statusLine and the SessionStart alert; uninstall takes both out', () => {
    const dir = project({ model: 'opus' });
    expect(runCli(['install', '--statusline', '--alerts'], { cwd: dir }).status).toBe(0);
    const settings = read(dir);
    expect(settings.statusLine.command).toMatch(/bin\/agent-track'? statusline$/);
    expect(settings.hooks.SessionStart[0].hooks[0].args.slice(1)).toEqual(['hook', '--alerts']);
    // A plain install later keeps the alert.
    expect(runCli(['install'], { cwd: dir }).status).toBe(0);
    expect(read(dir).hooks.SessionStart).toHaveLength(1);
    expect(runCli(['uninstall'], { cwd: dir }).status).toBe(0);
    expect(read(dir)).toEqual({ model: 'opus' });
  });

  test('keeps and wraps the user’s own statusline, and uninstall puts it back', () => {
    const mine = { type: 'command', command: '~/.claude/my-line.sh', padding: 1 };
    const dir = project({ statusLine: mine, theme: 'dark' });
    runCli(['install', '--statusline'], { cwd: dir });
    const wrapped = read(dir).statusLine.command as string;
    expect(wrapped).toMatch(/ statusline --wrap [A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(wrapped.split('--wrap ')[1]!, 'base64url').toString())).toEqual(mine);
    // Installing again does not wrap ours inside ours.
    runCli(['install', '--statusline'], { cwd: dir });
    expect(read(dir).statusLine.command).toBe(wrapped);
    runCli(['uninstall'], { cwd: dir });
    expect(read(dir)).toEqual({ statusLine: mine, theme: 'dark' });
  });
});
