import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { ingestPayload } from '../../src/capture/ingest.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import { Status } from '../../src/schema/status.js';
import { localDay } from '../../src/time/period.js';
import { makeRecord } from '../analytics/make-record.js';
import { tempLogs, writeRecords } from '../store/store-helpers.js';
import { loadFixture } from '../support/fixtures.js';
import { BIN, runCli } from '../support/cli.js';

// `agent-track status` as a user runs it: the built CLI against temporary
// logs folders, records placed relative to the real clock.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const now = Date.now();

function status(logs: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return runCli(['--logs-dir', logs, 'status', ...args], { env, cwd: tmpdir() });
}

function parsed(stdout: string) {
  const result = z.safeParse(Status, JSON.parse(stdout));
  if (!result.success) throw new Error(`status --json does not match its schema: ${JSON.stringify(result.error.issues.slice(0, 3))}`);
  return result.data;
}

/** A logs folder with a week of a planner that works and a tester whose last runs failed. */
function busyStore(): string {
  const logs = tempLogs();
  const records = [
    ...Array.from({ length: 10 }, (_, i) => makeRecord({ id: `p${i}`, agent: 'planner', start: now - (i + 1) * 3 * HOUR, duration: 60_000 + i * 1000 })),
    ...Array.from({ length: 3 }, (_, i) =>
      makeRecord({ id: `t${i}`, agent: 'tester', start: now - (i + 1) * HOUR, duration: 5000, status: 'failed', errors: [{ type: 'api_error', message: 'API Error: 529 overloaded' }] }),
    ),
    makeRecord({ id: 't-ok', agent: 'tester', start: now - 30 * HOUR, duration: 4000 }),
  ];
  writeRecords(logs, records);
  return logs;
}

describe('agent-track status', () => {
  test('with no records it says how to start tracking, and --json still prints the (empty) status', () => {
    const logs = tempLogs();
    const human = status(logs);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('No subagent executions recorded yet');
    expect(human.stdout).toContain('agent-track install');

    const json = status(logs, ['--json']);
    expect(json.status).toBe(0);
    expect(json.stderr).toContain('agent-track install');
    const value = parsed(json.stdout);
    expect(value).toMatchObject({ activeAgents: [], agentHealth: {}, last24Hours: { executionCount: 0, errorRate: null } });
  });

  test('--json has the design document keys with figures from the records', () => {
    const value = parsed(status(busyStore(), ['--json']).stdout);
    expect(value.last24Hours).toMatchObject({ executionCount: 10, failed: 3, errorRate: 30 });
    expect(value.last24Hours.topErrors[0]).toMatchObject({ type: 'api_error', executions: 3, agents: ['tester'] });
    expect(value.agentHealth.tester).toMatchObject({ status: 'failed', consecutiveFailures: 3, lastSuccess: expect.any(String) });
    expect(value.agentHealth.planner).toMatchObject({ status: 'healthy', recentExecutions: 10, recentErrorRate: 0 });
    expect(Object.keys(value.agentHealth)).toEqual(['tester', 'planner']);
  });

  test('the terminal view shows the running, the last 24 hours and the health, without colour when piped', () => {
    const run = status(busyStore(), [], { FORCE_COLOR: '', NO_COLOR: '' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Running now[\s\S]*Nothing running/);
    expect(run.stdout).toMatch(/Last 24 hours\nExecutions 10 .*Error rate 30\.0%/);
    expect(run.stdout).toMatch(/tester +failed .*its last 3 runs failed/);
    expect(run.stdout).not.toContain('\u001b[');
  });

  test('an error message carrying escape sequences is printed inert', () => {
    const logs = tempLogs();
    const message = 'API Error: \u001b[2J\u001b]0;pwned\u0007\u001b[31mgone\nsecond line';
    writeRecords(logs, [makeRecord({ id: 'x1', agent: 'tester', start: now - HOUR, status: 'failed', errors: [{ type: 'api_error', message }] })]);
    const run = status(logs, [], { COLUMNS: '200' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('API Error: gone second line');
    expect(run.stdout).not.toMatch(/[\u0007\u001b]/);
  });

  test('a run in flight is active, with its end estimated from its agent type’s own history', () => {
    const fixture = loadFixture('single');
    const logs = fixture.logsDir;
    mkdirSync(logs, { recursive: true });
    // Three earlier general-purpose runs of 40, 60 and 90 s: the median is 60 s.
    writeRecords(logs, [40, 60, 90].map((s, i) => makeRecord({ id: `h${i}`, agent: 'general-purpose', start: now - (i + 2) * HOUR, duration: s * 1000 })));
    const started = now - 20_000;
    const upToStart = fixture.payloads.slice(0, fixture.payloads.findIndex((p) => p.hook_event_name === 'SubagentStart') + 1);
    upToStart.forEach((payload, i) => ingestPayload(payload, { logsDir: logs, config: DEFAULT_CONFIG, now: started + i * 10, deadline: Date.now() + 5000 }));

    const value = parsed(status(logs, ['--json']).stdout);
    expect(value.activeAgents).toHaveLength(1);
    const active = value.activeAgents[0]!;
    expect(active).toMatchObject({ agentType: 'general-purpose', typicalDuration: 60_000, overdue: false });
    expect(Date.parse(active.estimatedCompletion!) - Date.parse(active.startTime)).toBe(60_000);

    const text = status(logs).stdout;
    expect(text).toMatch(/Running now \(1\)\n[\s\S]*general-purpose .* \(in \d/);
  });

  test('a run in flight of an agent type without history has an unknown end', () => {
    const fixture = loadFixture('single');
    const upToStart = fixture.payloads.slice(0, fixture.payloads.findIndex((p) => p.hook_event_name === 'SubagentStart') + 1);
    upToStart.forEach((payload, i) => ingestPayload(payload, { logsDir: fixture.logsDir, config: DEFAULT_CONFIG, now: now - 5000 + i, deadline: Date.now() + 5000 }));
    const value = parsed(status(fixture.logsDir, ['--json']).stdout);
    expect(value.activeAgents[0]).toMatchObject({ estimatedCompletion: null, typicalDuration: null });
    expect(status(fixture.logsDir).stdout).toContain('unknown (no history)');
  });

  test('a corrupt record is skipped with a warning, not an error', () => {
    const logs = busyStore();
    const dir = join(logs, localDay(now - HOUR), 'tester');
    writeFileSync(join(dir, 'exec-broken.json'), '{"schemaVersion": 1, "id": ');
    const run = status(logs, ['--json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/warning: skipped .*exec-broken\.json: not valid JSON/);
    expect(parsed(run.stdout).warnings.join('\n')).toContain('exec-broken.json');
  });

  test('never follows a symlink planted among the records, and never quotes a broken file', () => {
    const logs = busyStore();
    const dir = join(logs, localDay(now - HOUR), 'tester');
    const outside = join(mkdtempSync(join(tmpdir(), 'agent-track-outside-')), 'secret.json');
    writeFileSync(outside, JSON.stringify(makeRecord({ id: 'planted', agent: 'tester', start: now - HOUR, status: 'failed' })));
    symlinkSync(outside, join(dir, 'exec-planted.json'));
    writeFileSync(join(dir, 'exec-leaky.json'), 'password=hunter2 {');
    const run = status(logs, ['--json']);
    expect(run.status).toBe(0);
    expect(parsed(run.stdout).last24Hours.executionCount).toBe(10);
    expect(run.stderr).toContain('exec-leaky.json: not valid JSON');
    expect(run.stderr).not.toContain('hunter2');
  });

  test('bad flags are usage errors (exit 2)', () => {
    const run = status(tempLogs(), ['--watch', 'soon']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--watch expects a number of seconds');
    expect(status(tempLogs(), ['--format', 'csv']).status).toBe(2);
    expect(status(tempLogs(), ['--json', '--format', 'table']).status).toBe(2);
    expect(status(tempLogs(), ['--format', 'json']).stdout).toContain('"activeAgents"');
  });
});

describe('agent-track status --watch', () => {
  test('piped with --json: one JSON line per refresh, and Ctrl-C (SIGINT) ends it with exit 0', async () => {
    const child = spawn(process.execPath, [BIN, '--logs-dir', busyStore(), 'status', '--watch', '0.5', '--json'], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.split('\n').filter(Boolean).length >= 2) resolve();
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const lines = out.split('\n').filter(Boolean);
    for (const line of lines) expect(z.safeParse(Status, JSON.parse(line)).success).toBe(true);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;

  test.skipIf(!hasScript)('on a terminal it redraws in place on the alternate screen and gives the terminal back on Ctrl-C', async () => {
    const run = await inTerminal(busyStore(), {});
    expect(run.code).toBe(0);
    expect(run.out.startsWith('\u001b[?1049h\u001b[?25l')).toBe(true);
    // Every frame starts at the home position; lines are cleared to their end, never the whole screen.
    expect(run.out.split('\u001b[H').length - 1).toBeGreaterThanOrEqual(2);
    expect(run.out).toContain('\u001b[K');
    expect(run.out).not.toContain('\u001b[2J');
    expect(run.out.trimEnd().endsWith('\u001b[?25h\u001b[?1049l')).toBe(true);
    expect(run.out).toContain('\u001b[31m'); // red: the failed agent
  });

  test.skipIf(!hasScript)('NO_COLOR keeps colour off even on a terminal', async () => {
    const run = await inTerminal(busyStore(), { NO_COLOR: '1' });
    expect(run.code).toBe(0);
    expect(run.out).toContain('\u001b[H');
    expect(run.out).not.toMatch(/\u001b\[(1|2|3\d)m/);
  });
});

/** Runs `status --watch` in a pseudo-terminal (util-linux `script`), types Ctrl-C after two frames. */
function inTerminal(logs: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const command = `stty rows 60 cols 160; exec '${process.execPath}' '${BIN}' --logs-dir '${logs}' status --watch 0.5`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, TERM: 'xterm-256color', FORCE_COLOR: '', NO_COLOR: '', ...env } });
  let out = '';
  let typed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (!typed && out.split('\u001b[H').length > 2) {
      typed = true;
      child.stdin.write('\u0003');
    }
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}
