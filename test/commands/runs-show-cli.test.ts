import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { RunsOutput, ShowOutput } from '../../src/schema/runs.js';
import { at, makeRecord } from '../analytics/make-record.js';
import { tempLogs, writeRecords } from '../store/store-helpers.js';
import { runCli } from '../support/cli.js';
import { CAPTURED_SCENARIOS, isAgentEvent, loadFixture, type FixtureName } from '../support/fixtures.js';
import { allRecords, replay, replayFixture } from '../support/replay.js';

// `agent-track runs` and `agent-track show` as a user runs them: the built CLI
// on real captured sessions (transcripts laid out as Claude Code keeps them)
// and on hand-made stores.

function cli(logs: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(['--logs-dir', logs, ...args], { env, cwd: tmpdir() });
}

function parsedRuns(stdout: string) {
  return z.parse(RunsOutput, JSON.parse(stdout));
}

describe('agent-track runs', () => {
  const logs = tempLogs();
  writeRecords(logs, [
    makeRecord({ id: 'aaa111', agent: 'planner', start: at(2026, 11, 20, 9) }),
    makeRecord({ id: 'bbb222', agent: 'tester', start: at(2026, 11, 21, 9), status: 'failed', errors: [{ type: 'api_error', message: 'API Error: 529 overloaded' }] }),
    makeRecord({ id: 'ccc333', agent: 'planner', start: at(2026, 11, 22, 9), status: 'partial', errors: [{ type: 'command_failed', message: 'Exit code 1', tool: 'Bash' }] }),
  ]);

  test('lists runs newest first with id, agent, start, duration, status, cost and first error', () => {
    const run = cli(logs, ['runs', '--json']);
    expect(run.status).toBe(0);
    const out = parsedRuns(run.stdout);
    expect(out.runs.map((r) => r.id)).toEqual(['ccc333', 'bbb222', 'aaa111']);
    expect(out.runs[1]).toMatchObject({ agent: 'tester', status: 'failed', duration: 1000, firstError: { type: 'api_error', message: 'API Error: 529 overloaded' } });
    expect(out.runs[0]!.costUsd).toBeGreaterThan(0);
    const table = cli(logs, ['runs']).stdout;
    expect(table).toMatch(/ccc333 +planner +2026-11-22 09:00:00 +1 s +partial +\$[\d.]+ +command_failed: Exit code 1/);
  });

  test('filters by agent, status, since and limit, and says when more match', () => {
    expect(parsedRuns(cli(logs, ['runs', '--json', '--agent', 'planner']).stdout).runs.map((r) => r.id)).toEqual(['ccc333', 'aaa111']);
    expect(parsedRuns(cli(logs, ['runs', '--json', '--status', 'failed']).stdout).runs.map((r) => r.id)).toEqual(['bbb222']);
    expect(parsedRuns(cli(logs, ['runs', '--json', '--since', '2026-11-21']).stdout).runs.map((r) => r.id)).toEqual(['ccc333', 'bbb222']);
    const limited = parsedRuns(cli(logs, ['runs', '--json', '--limit', '1']).stdout);
    expect(limited.runs.map((r) => r.id)).toEqual(['ccc333']);
    expect(limited.more).toBe(true);
    expect(cli(logs, ['runs', '--session', 'nope']).stdout).toContain('No subagent runs match these filters');
  });

  test('bad input gets one line on stderr and exit code 2', () => {
    for (const args of [['--status', 'ok'], ['--limit', '0'], ['--since', 'yesterday']]) {
      const run = cli(logs, ['runs', ...args]);
      expect(run.status).toBe(2);
      expect(run.stderr.split('\n')[0]).toMatch(/^agent-track: --(status|limit|since) expects/);
    }
  });
});

describe('agent-track show', () => {
  test('a nested run of a real session: prompt, parent, parallel run, tool calls from its transcript', () => {
    const fixture = replayFixture('nested-background');
    const env = { HOME: fixture.root, CLAUDE_CONFIG_DIR: '' };
    const runs = parsedRuns(cli(fixture.logsDir, ['runs', '--json'], env).stdout).runs;
    const child = runs.find((r) => r.agent === 'code-review-specialist')!;
    const parent = runs.find((r) => r.agent === 'general-purpose')!;
    const run = cli(fixture.logsDir, ['show', child.id.slice(0, 6), '--json'], env);
    expect(run.status).toBe(0);
    const out = z.parse(ShowOutput, JSON.parse(run.stdout));
    expect(out.execution.id).toBe(child.id);
    expect(out.chain.parent).toMatchObject({ id: parent.id, agent: 'general-purpose', status: 'success' });
    expect(out.timeline.source).toBe('transcript');
    expect(out.timeline.calls.map((c) => [c.tool, c.ok])).toEqual([['Bash', true]]);
    expect(out.timeline.calls[0]!.duration).toBeGreaterThan(0);
    expect(out.transcriptPath).toMatch(/subagents\/agent-[a-z0-9]+\.jsonl$/);

    const table = cli(fixture.logsDir, ['show', child.id.slice(0, 6)], env).stdout;
    expect(table).toContain('Place in the chain');
    expect(table).toContain(`└─ this run: code-review-specialist ${child.id.slice(0, 10)}`);
    expect(table).toContain('Tool calls (from the transcript)');
    expect(table).toContain(out.transcriptPath!);

    // The parent lists this run among its children.
    const up = z.parse(ShowOutput, JSON.parse(cli(fixture.logsDir, ['show', parent.id, '--json'], env).stdout));
    expect(up.chain.children.map((c) => c.id)).toContain(child.id);
  });

  test('without the transcript the run shows the timeline its record stored', () => {
    const fixture = replayFixture('single');
    const runs = parsedRuns(cli(fixture.logsDir, ['runs', '--json']).stdout).runs;
    const out = z.parse(ShowOutput, JSON.parse(cli(fixture.logsDir, ['show', runs[0]!.id, '--json'], { HOME: tmpdir(), CLAUDE_CONFIG_DIR: '' }).stdout));
    expect(out.timeline.source).toBe('record');
    expect(out.timeline.calls).toEqual(out.execution.metrics.toolTimeline);
    expect(out.timeline.calls.length).toBeGreaterThan(0);
    expect(out.transcriptPath).toBeNull();
  });

  test('a record with no stored timeline and no transcript shows the run with no timeline', () => {
    const logs = tempLogs();
    writeRecords(logs, [makeRecord({ id: 'old1', start: at(2026, 11, 20, 9) })]);
    const out = z.parse(ShowOutput, JSON.parse(cli(logs, ['show', 'old1', '--json'], { HOME: tmpdir(), CLAUDE_CONFIG_DIR: '' }).stdout));
    expect(out.timeline).toEqual({ source: null, calls: [] });
    expect(cli(logs, ['show', 'old1'], { HOME: tmpdir(), CLAUDE_CONFIG_DIR: '' }).stdout).toContain('No timeline: the transcript is gone and the record holds none.');
  });

  test('a prompt kept only as its hash points to the storePrompts switch, the config key that did it', () => {
    const logs = tempLogs();
    const record = makeRecord({ id: 'nop1', start: at(2026, 11, 20, 9) });
    record.request.prompt = null;
    writeRecords(logs, [record]);
    expect(record.request.promptHash).not.toBeNull();
    expect(cli(logs, ['show', 'nop1'], { HOME: tmpdir(), CLAUDE_CONFIG_DIR: '' }).stdout).toContain('(not stored: "storePrompts": false in agent-track.json)');
  });

  test('an unknown or ambiguous prefix is one clear line and exit code 1', () => {
    const logs = tempLogs();
    writeRecords(logs, [makeRecord({ id: 'abc1', start: at(2026, 11, 20, 9) }), makeRecord({ id: 'abc2', start: at(2026, 11, 20, 10) })]);
    const none = cli(logs, ['show', 'zzz']);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^agent-track: no run with an id starting "zzz"/);
    const both = cli(logs, ['show', 'abc']);
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/^agent-track: "abc" matches 2 runs/);
    expect(cli(logs, ['show', '../x']).status).toBe(2);
  });
});

/** A scenario captured from Claude Code 2.1.332, replayed through the real ingest path; HOME where its transcripts are. */
function captured(name: FixtureName) {
  const fixture = loadFixture(name, '2.1.332');
  replay(fixture.logsDir, fixture.payloads.filter(isAgentEvent));
  const env = { HOME: fixture.root, CLAUDE_CONFIG_DIR: '' };
  return {
    logsDir: fixture.logsDir,
    runs: () => parsedRuns(cli(fixture.logsDir, ['runs', '--json'], env).stdout).runs,
    show: (id: string) => z.parse(ShowOutput, JSON.parse(cli(fixture.logsDir, ['show', id, '--json'], env).stdout)),
    showText: (id: string) => cli(fixture.logsDir, ['show', id], env).stdout,
  };
}

describe('runs and show on the sessions captured from Claude Code 2.1.332', () => {
  test.each(CAPTURED_SCENARIOS)('%s: runs lists every record; show opens each one', (name) => {
    const c = captured(name);
    const records = allRecords(c.logsDir);
    const runs = c.runs();
    expect(runs.map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
    for (const record of records) {
      const out = c.show(record.id.slice(0, 8));
      expect(out.execution).toEqual(record);
      const row = runs.find((r) => r.id === record.id)!;
      expect(row).toMatchObject({ agent: record.agentType, status: record.result.status, background: record.request.context.background, duration: record.metrics.duration });
      expect(row.firstError).toEqual(record.errors[0] ? { type: record.errors[0].type, message: record.errors[0].message } : null);
    }
  });

  test("a background run shows the figures of Claude Code's completion notification", () => {
    const c = captured('background-default');
    const [run] = c.runs();
    expect(run).toMatchObject({ agent: 'general-purpose', background: true, status: 'success', duration: 1219 });
    const out = c.show(run!.id);
    expect(out.execution.metrics).toMatchObject({ durationSource: 'task-notification', totalToolUseCount: 2, tokensUsed: 172 });
    expect(out.execution.capture.closedBy).toBe('SubagentStop');
    const text = c.showText(run!.id);
    expect(text).toMatch(/Duration 1\.22 s \(Claude Code's background notification\)/);
    expect(text).toMatch(/Tokens used 172 .*Tool calls 2/);
    expect(text).toContain('background · session');
  });

  test('a failed background run shows its api_error, closed by the notification', () => {
    const c = captured('background-api-failure');
    const [run] = c.runs();
    expect(run).toMatchObject({ agent: 'code-review-specialist', background: true, status: 'failed', firstError: { type: 'api_error', message: 'API Error: 400 scripted failure' } });
    const out = c.show(run!.id);
    expect(out.execution.capture.closedBy).toBe('task-notification');
    expect(out.execution.errors.map((e) => e.type)).toEqual(['api_error']);
    const text = c.showText(run!.id);
    expect(text).toMatch(/Status failed/);
    expect(text).toMatch(/• api_error at \+.*\n +→ API Error: 400 scripted failure/);
    // The notification of a failed run carries no usage: the duration is the transcript's estimate, and says so.
    expect(text).toMatch(/Duration \d+ ms \(estimated from the transcript\)/);
    // It failed before its first tool call: its transcript is there and says so, it is not "gone".
    expect(out.timeline).toEqual({ source: 'transcript', calls: [] });
    expect(text).toMatch(/Tool calls\n• No tool calls \(from the transcript\)\./);
    expect(text).not.toContain('transcript is gone');
    expect(cli(c.logsDir, ['runs']).stdout).toMatch(/code-review-specialist \(bg\) .* failed .* api_error: API Error: 400 scripted failure/);
  });

  test('nested: the parent lists its child, the child names its parent, as a tree in the text', () => {
    const c = captured('nested');
    const runs = c.runs();
    const parent = runs.find((r) => r.agent === 'general-purpose')!;
    const child = runs.find((r) => r.agent === 'code-review-specialist')!;
    const up = c.show(parent.id);
    expect(up.chain.parent).toBeNull();
    expect(up.chain.children).toEqual([expect.objectContaining({ id: child.id, agent: 'code-review-specialist', status: 'success' })]);
    const down = c.show(child.id);
    expect(down.chain.parent).toMatchObject({ id: parent.id, agent: 'general-purpose', status: 'success' });
    expect(down.chain.children).toEqual([]);
    const text = c.showText(parent.id);
    expect(text).toContain(`└─ this run: general-purpose ${parent.id.slice(0, 10)}`);
    expect(text).toMatch(new RegExp(`└─ code-review-specialist ${child.id.slice(0, 10)}`));
    expect(c.showText(child.id)).toMatch(new RegExp(`general-purpose ${parent.id.slice(0, 10)}`));
  });
});
