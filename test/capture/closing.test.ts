import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sweepInFlight, listInFlight } from '../../src/capture/sweep';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { allRecords, BASE_TIME, completionLines, replay } from '../support/replay';
import { loadFixture } from '../support/fixtures';

// Runs that never finish normally: a session that ends (or is killed) while a
// subagent runs, and a failure that arrives after SessionEnd.

// Claude Code writes <session>/subagents/agent-<id>.meta.json when a subagent starts.
const claudeDir = mkdtempSync(join(tmpdir(), 'agent-track-claude-'));
mkdirSync(join(claudeDir, 'sess-1', 'subagents'), { recursive: true });
writeFileSync(
  join(claudeDir, 'sess-1', 'subagents', 'agent-agent-a.meta.json'),
  JSON.stringify({ agentType: 'reviewer', description: 'run toolu_a', toolUseId: 'toolu_a', spawnDepth: 1 }),
);

const session = {
  session_id: 'sess-1',
  transcript_path: join(claudeDir, 'sess-1.jsonl'),
  cwd: '/project',
  prompt_id: 'prompt-1',
};
const pre = (id: string, type = 'reviewer') => ({
  ...session,
  hook_event_name: 'PreToolUse',
  tool_name: 'Agent',
  tool_use_id: id,
  tool_input: { description: `run ${id}`, prompt: `do ${id}`, subagent_type: type },
});
const start = (agentId: string) => ({ ...session, hook_event_name: 'SubagentStart', agent_id: agentId, agent_type: 'reviewer' });
const end = { ...session, hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' };
const interruptFailure = (id: string) => ({
  ...session,
  hook_event_name: 'PostToolUseFailure',
  tool_name: 'Agent',
  tool_use_id: id,
  tool_input: { subagent_type: 'reviewer' },
  error: 'Interrupted by user',
  is_interrupt: true,
  duration_ms: 4_000,
});

function freshLogs(): string {
  return loadFixture('single').logsDir;
}

describe('a session that ends while an agent runs', () => {
  test('closes the run as failed/interrupted at SessionEnd', () => {
    const logsDir = freshLogs();
    replay(logsDir, [pre('toolu_a'), start('agent-a'), end]);
    const [record] = allRecords(logsDir);
    expect(record).toMatchObject({
      agentType: 'reviewer',
      result: { status: 'failed' },
      capture: { closedBy: 'SessionEnd' },
      errors: [expect.objectContaining({ type: 'interrupted' })],
    });
    // Start at the PreToolUse (index 0), end at SessionEnd (index 2): 1 s apart each.
    expect(record!.metrics.duration).toBe(2_000);
    expect(record!.metrics.durationSource).toBe('hooks');
  });

  test('a failure arriving after SessionEnd corrects the record instead of adding one', () => {
    const logsDir = freshLogs();
    replay(logsDir, [pre('toolu_a'), start('agent-a'), end, interruptFailure('toolu_a')]);
    const records = allRecords(logsDir);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      result: { status: 'failed' },
      capture: { closedBy: 'PostToolUseFailure' },
      metrics: { duration: 4_000, durationSource: 'claude-code' },
    });
    expect(records[0]!.errors).toEqual([expect.objectContaining({ type: 'interrupted', message: 'Interrupted by user' })]);
    // Same status, but its duration and closer changed: a correction line says so.
    expect(completionLines(logsDir).map((l) => [l.status, l.closedBy, l.duration, l.revision])).toEqual([
      ['failed', 'SessionEnd', 2_000, 1],
      ['failed', 'PostToolUseFailure', 4_000, 2],
    ]);
  });

  test('a late success after SessionEnd appends a correction line with a higher revision', () => {
    const logsDir = freshLogs();
    const done = {
      ...session,
      hook_event_name: 'PostToolUse',
      tool_name: 'Agent',
      tool_use_id: 'toolu_a',
      tool_response: { status: 'completed', agentId: 'agent-a', agentType: 'reviewer', content: [{ type: 'text', text: 'ok' }], totalDurationMs: 900, totalTokens: 50, totalToolUseCount: 0 },
    };
    replay(logsDir, [pre('toolu_a'), start('agent-a'), end, done]);
    expect(allRecords(logsDir)).toEqual([expect.objectContaining({ result: expect.objectContaining({ status: 'success' }) })]);
    expect(completionLines(logsDir).map((l) => [l.status, l.revision])).toEqual([
      ['failed', 1],
      ['success', 2],
    ]);
  });
});

describe('a resumed session (claude --resume keeps the session id)', () => {
  const done = (id: string, agentId: string) => ({
    ...session,
    hook_event_name: 'PostToolUse',
    tool_name: 'Agent',
    tool_use_id: id,
    tool_response: { status: 'completed', agentId, agentType: 'reviewer', content: [{ type: 'text', text: 'ok' }], totalDurationMs: 900, totalTokens: 50 },
  });

  test("an earlier run's SessionEnd does not close a run started after it", () => {
    const logsDir = freshLogs();
    replay(logsDir, [end, pre('toolu_c'), start('agent-c')]);
    const now = BASE_TIME + 3_000;
    expect(sweepInFlight(logsDir, DEFAULT_CONFIG, now)).toMatchObject({ closed: 0, errors: [] });
    expect(allRecords(logsDir)).toEqual([]);
    expect(listInFlight(logsDir, DEFAULT_CONFIG, now)).toEqual([expect.objectContaining({ agentType: 'reviewer', startTime: BASE_TIME + 1_000 })]);
  });

  test('each run is closed by the first SessionEnd after its start', () => {
    const logsDir = freshLogs();
    // Run a is cut off by the first session's end; run c, after the resume, by the second.
    replay(logsDir, [pre('toolu_a'), start('agent-a'), end, pre('toolu_c'), start('agent-c'), { ...end, reason: 'clear' }]);
    const records = allRecords(logsDir);
    expect(records.map((r) => [r.request.context.toolUseId, r.capture.closedBy, r.metrics.endTime])).toEqual([
      ['toolu_a', 'SessionEnd', BASE_TIME + 2_000],
      ['toolu_c', 'SessionEnd', BASE_TIME + 5_000],
    ]);
    expect(records[1]!.errors[0]!.message).toContain('(clear)');
    expect(records.every((r) => r.chain.parallelWith.length === 0)).toBe(true);
  });

  test('a run after the resume that finishes normally is a success, not parallel with the cut-off one', () => {
    const logsDir = freshLogs();
    replay(logsDir, [pre('toolu_a'), start('agent-a'), end, pre('toolu_c'), start('agent-c'), done('toolu_c', 'agent-c')]);
    expect(sweepInFlight(logsDir, DEFAULT_CONFIG, BASE_TIME + 10_000)).toMatchObject({ errors: [] });
    const records = allRecords(logsDir);
    expect(records.map((r) => [r.request.context.toolUseId, r.result.status, r.capture.closedBy])).toEqual([
      ['toolu_a', 'failed', 'SessionEnd'],
      ['toolu_c', 'success', 'PostToolUse'],
    ]);
    expect(records[1]!.chain.parallelWith).toEqual([]);
  });
});

describe('a killed session (no SessionEnd at all)', () => {
  const config = { ...DEFAULT_CONFIG, inFlightTimeoutMs: 60_000 };

  test('the run is active until the timeout, then any later command closes it as interrupted', () => {
    const logsDir = freshLogs();
    replay(logsDir, [pre('toolu_a'), start('agent-a')]);
    expect(allRecords(logsDir)).toEqual([]);

    const soon = BASE_TIME + 30_000;
    expect(listInFlight(logsDir, config, soon)).toEqual([
      expect.objectContaining({ agentType: 'reviewer', startTime: BASE_TIME, background: false }),
    ]);
    expect(sweepInFlight(logsDir, config, soon)).toMatchObject({ closed: 0 });

    const late = BASE_TIME + 120_000;
    expect(listInFlight(logsDir, config, late)).toEqual([]);
    expect(sweepInFlight(logsDir, config, late)).toMatchObject({ closed: 1, errors: [] });
    const [record] = allRecords(logsDir);
    expect(record).toMatchObject({ result: { status: 'failed' }, capture: { closedBy: 'timeout' } });
    expect(record!.errors[0]!.type).toBe('interrupted');
    // Ends at the last sign of life, the SubagentStart 1 s after the start.
    expect(record!.metrics.endTime).toBe(BASE_TIME + 1_000);

    // Sweeping again changes nothing.
    expect(sweepInFlight(logsDir, config, late + 1_000)).toMatchObject({ closed: 0, repaired: 0 });
    expect(completionLines(logsDir)).toHaveLength(1);
  });

  test('a sweep finishes a run whose terminal event was stored by a process killed before it wrote the record', () => {
    const logsDir = freshLogs();
    const fixture = loadFixture('single');
    const payloads = fixture.payloads.filter((p) => p.tool_name === 'Agent' || String(p.hook_event_name).startsWith('Subagent'));
    // Everything but the PostToolUse, then only its event file (as if killed right after writing it).
    replay(logsDir, payloads.slice(0, -1));
    expect(allRecords(logsDir)).toEqual([]);
    replay(logsDir, payloads.slice(-1));
    const written = allRecords(logsDir);
    expect(written).toHaveLength(1);
    expect(sweepInFlight(logsDir, config, BASE_TIME + 10_000)).toMatchObject({ closed: 0, repaired: 0 });
  });
});

describe('a SubagentStart whose meta file cannot be read', () => {
  test('is merged into its Agent call once the result names the agent', () => {
    const logsDir = freshLogs();
    const lost = { ...session, transcript_path: '/nonexistent/sess-1.jsonl' };
    const done = {
      ...lost,
      hook_event_name: 'PostToolUse',
      tool_name: 'Agent',
      tool_use_id: 'toolu_b',
      tool_response: { status: 'completed', agentId: 'agent-b', agentType: 'reviewer', content: [{ type: 'text', text: 'ok' }], totalDurationMs: 900, totalTokens: 50 },
    };
    replay(logsDir, [
      { ...pre('toolu_b'), transcript_path: lost.transcript_path },
      { ...lost, hook_event_name: 'SubagentStart', agent_id: 'agent-b', agent_type: 'reviewer' },
      done,
      { ...end, transcript_path: lost.transcript_path },
    ]);
    const records = allRecords(logsDir);
    expect(records).toHaveLength(1);
    expect(records[0]!.capture.events).toEqual(['pre', 'start', 'done']);
    expect(records[0]!.result.status).toBe('success');
  });
});

describe('meta files appear only after SubagentStart (as on the real binary)', () => {
  function liveSession(id: string) {
    const dir = mkdtempSync(join(tmpdir(), 'agent-track-live-'));
    mkdirSync(join(dir, id, 'subagents'), { recursive: true });
    const common = { session_id: id, transcript_path: join(dir, `${id}.jsonl`), cwd: '/project', prompt_id: 'p' };
    const writeMeta = (agentId: string, toolUseId: string) =>
      writeFileSync(join(dir, id, 'subagents', `agent-${agentId}.meta.json`), JSON.stringify({ agentType: 'reviewer', toolUseId, spawnDepth: 1 }));
    return { common, writeMeta };
  }
  const preFor = (common: object, id: string) => ({ ...common, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: id, tool_input: { prompt: 'p', subagent_type: 'reviewer' } });
  const startFor = (common: object, agentId: string) => ({ ...common, hook_event_name: 'SubagentStart', agent_id: agentId, agent_type: 'reviewer' });

  test('SIGTERM: the interrupt failure and SessionEnd arrive, no SubagentStop; one record with its start', () => {
    const logsDir = freshLogs();
    const { common, writeMeta } = liveSession('sess-term');
    replay(logsDir, [preFor(common, 'toolu_t'), startFor(common, 'agent-t')]);
    writeMeta('agent-t', 'toolu_t');
    replay(logsDir, [{ ...common, hook_event_name: 'PostToolUseFailure', tool_name: 'Agent', tool_use_id: 'toolu_t', error: '[Request interrupted by user for tool use]', is_interrupt: true, duration_ms: 1230 }, { ...common, hook_event_name: 'SessionEnd', reason: 'other' }], { firstIndex: 2 });
    const records = allRecords(logsDir);
    expect(records).toHaveLength(1);
    expect(records[0]!.capture.events).toEqual(['pre', 'start', 'fail']);
    expect(records[0]!.request.context.agentId).toBe('agent-t');
    expect(records[0]!.errors[0]!.type).toBe('interrupted');
  });

  test('a killed session before the agent wrote its meta file: linked by type and time when closed', () => {
    const logsDir = freshLogs();
    const { common } = liveSession('sess-kill');
    replay(logsDir, [preFor(common, 'toolu_k1'), startFor(common, 'agent-k1'), preFor(common, 'toolu_k2'), startFor(common, 'agent-k2')]);
    const config = { ...DEFAULT_CONFIG, inFlightTimeoutMs: 60_000 };
    // While running, each run is listed once, not once per hook folder.
    expect(listInFlight(logsDir, config, BASE_TIME + 10_000)).toHaveLength(2);
    sweepInFlight(logsDir, config, BASE_TIME + 3_600_000);
    const records = allRecords(logsDir);
    expect(records).toHaveLength(2);
    expect(records.map((r) => [r.request.context.toolUseId, r.request.context.agentId])).toEqual([
      ['toolu_k1', 'agent-k1'],
      ['toolu_k2', 'agent-k2'],
    ]);
  });

  test('a user interrupt (no hook at all for the agent) is closed at the next SessionEnd', () => {
    const logsDir = freshLogs();
    const { common, writeMeta } = liveSession('sess-esc');
    replay(logsDir, [preFor(common, 'toolu_e'), startFor(common, 'agent-e')]);
    writeMeta('agent-e', 'toolu_e');
    replay(logsDir, [{ ...common, hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' }], { firstIndex: 2 });
    const [record] = allRecords(logsDir);
    expect(record).toMatchObject({ capture: { closedBy: 'SessionEnd', events: ['pre', 'start'] }, result: { status: 'failed' } });
    expect(record!.errors[0]!.message).toContain('prompt_input_exit');
  });
});
