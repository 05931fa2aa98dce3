import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { assembleExecution, type AssemblyInput, type Closure } from '../../src/capture/assemble.js';
import { notifiedEvent } from '../../src/capture/awaiting.js';
import { toStoredEvent, type StoredEvent } from '../../src/capture/events.js';
import { findTaskNotification } from '../../src/capture/notification.js';
import { parsePayload } from '../../src/capture/payload.js';
import { summarizeTranscript } from '../../src/capture/transcript.js';
import { DEFAULT_CONFIG } from '../../src/schema/config.js';
import type { AgentExecution } from '../../src/schema/record.js';
import { isAgentEvent, loadFixture, type FixtureVersion, type FixtureName } from '../support/fixtures.js';

// assembleExecution is pure: the stored events of one run (+ its transcript
// summary, chain and closure) in, one record out. Each row takes the events
// the real hook payloads of a capture become, and says which record fields
// they must give. No disk, no clock: `now` is the row's.

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const NOW = T0 + 3_600_000;

interface Run {
  /** Every event of the run, in the order Claude Code sent the hooks, 1 s apart. */
  events: StoredEvent[];
  mainTranscript: string;
  projectDir: string;
  agentTranscript: (agentId: string) => string;
}

/** The events of one Agent call of a real capture: its own hooks (by tool use id, or by the agent id its result names). */
function runOf(name: FixtureName, version: FixtureVersion, agentType: string, nth = 0): Run {
  const fixture = loadFixture(name, version);
  const all = fixture.payloads.filter(isAgentEvent).map((payload, i) => {
    const check = parsePayload(payload);
    if (!check.success) throw new Error(check.error);
    return toStoredEvent(check.data, T0 + i * 1_000, DEFAULT_CONFIG, null);
  });
  const toolUseId = all.filter((e) => e.kind === 'pre' && e.agentType === agentType)[nth]!.toolUseId!;
  const agentId = all.find((e) => e.toolUseId === toolUseId && e.agentId)?.agentId ?? null;
  const mainTranscript = String(fixture.payloads[0]!.transcript_path);
  return {
    events: all.filter((e) => e.toolUseId === toolUseId || (agentId !== null && e.agentId === agentId)),
    mainTranscript,
    projectDir: fixture.projectDir,
    agentTranscript: (id) => readFileSync(join(dirname(mainTranscript), fixture.sessionId, 'subagents', `agent-${id}.jsonl`), 'utf8'),
  };
}

/** Claude Code's <task-notification> for the run, as the hook finds it in the main transcript. */
function withNotification(run: Run, at: number): StoredEvent[] {
  const toolUseId = run.events.find((e) => e.kind === 'pre')!.toolUseId!;
  const found = findTaskNotification(readFileSync(run.mainTranscript), toolUseId)!;
  return [...run.events, notifiedEvent(run.events[0]!.sessionId, run.mainTranscript, found.notification, at)];
}

/** The StopFailure 2.1.332 sends for a subagent that ends on an API error (payload as the real binary sent it; see background.test.ts). */
function stopFailure(run: Run, at: number): StoredEvent {
  const start = run.events.find((e) => e.kind === 'start')!;
  const check = parsePayload({
    session_id: start.sessionId,
    transcript_path: run.mainTranscript,
    cwd: start.cwd,
    agent_id: start.agentId,
    agent_type: start.agentType,
    hook_event_name: 'StopFailure',
    error: 'unknown',
    last_assistant_message: 'API Error: 400 scripted failure',
  });
  if (!check.success) throw new Error(check.error);
  return toStoredEvent(check.data, at, DEFAULT_CONFIG, null);
}

const input = (events: StoredEvent[], more: Partial<AssemblyInput> = {}): AssemblyInput => ({
  id: 'exec-1',
  sessionId: events[0]!.sessionId,
  events,
  transcript: null,
  chain: { parentExecutionId: null, childExecutions: [], parallelWith: [] },
  spawnDepth: null,
  closure: null,
  defaultPriority: 'medium',
  now: NOW,
  ...more,
});

const foreground = runOf('single', '2.1.197', 'general-purpose');
const fanout = (nth: number, agentType = 'code-review-specialist') => runOf('fanout', '2.1.332', agentType, nth);
// The code review that the background general-purpose agent launched, in the foreground of that agent.
const nested = runOf('nested-background', '2.1.332', 'code-review-specialist');
const sessionEnd: Closure = { by: 'SessionEnd', at: T0 + 30_000, detail: 'the session ended before the agent finished' };
const timeout: Closure = { by: 'timeout', at: NOW, detail: 'no stop event within 2h' };

// The third code-review call of the fanout failed on an API error: no SubagentStop, a "failed" notification.
const failedBackground = fanout(1);
const agentOf = (run: Run) => run.events.find((e) => e.agentId)!.agentId!;

type Row = [string, () => AssemblyInput, Record<string, unknown>];

const rows: Row[] = [
  [
    'a foreground run closed by its Agent call\'s result, timed by Claude Code',
    () => input(foreground.events, { transcript: summarizeTranscript(foreground.agentTranscript(agentOf(foreground)), foreground.projectDir) }),
    {
      agentType: 'general-purpose',
      request: { triggeredBy: 'user', context: { background: false, model: 'claude-opus-4-8', claudeCodeVersion: '2.1.197' } },
      metrics: { durationSource: 'claude-code', duration: 209, tokensUsed: 172, totalToolUseCount: 2, toolsUsed: ['Bash', 'Write'] },
      result: { status: 'success', outputSize: 15, filesModified: 1 },
      errors: [],
      capture: { closedBy: 'PostToolUse', events: ['pre', 'start', 'stop', 'done'] },
    },
  ],
  [
    'a background run with its notification: closed by its SubagentStop, timed by the notification',
    () => input(withNotification(fanout(0, 'test-automation-specialist'), T0 + 20_000)),
    {
      agentType: 'test-automation-specialist',
      request: { context: { background: true } },
      metrics: { durationSource: 'task-notification' },
      result: { status: 'success' },
      capture: { closedBy: 'SubagentStop', events: ['pre', 'start', 'launched', 'stop', 'notified'] },
    },
  ],
  [
    'a background run that failed on an API error, known from its notification alone (no StopFailure hook)',
    () => input(withNotification(failedBackground, T0 + 20_000)),
    {
      agentType: 'code-review-specialist',
      request: { context: { background: true } },
      result: { status: 'failed', outputSize: null, issuesFound: null },
      errors: [expect.objectContaining({ type: 'api_error', message: expect.stringContaining('API Error') })],
      capture: { closedBy: 'task-notification', events: ['pre', 'launched', 'start', 'notified'] },
    },
  ],
  [
    'a background run that failed on an API error, closed by its StopFailure before any notification',
    () => input([...failedBackground.events, stopFailure(failedBackground, T0 + 15_000)]),
    {
      result: { status: 'failed' },
      errors: [{ type: 'api_error', message: 'API Error: 400 scripted failure', tool: null, recoveryAction: null, at: T0 + 15_000 }],
      capture: { closedBy: 'StopFailure', events: ['pre', 'launched', 'start', 'stopfail'] },
    },
  ],
  [
    'a run whose hooks never named its type: "unknown"',
    () => input(foreground.events.filter((e) => e.kind === 'stop').map((e) => ({ ...e, agentType: null })), { closure: sessionEnd }),
    { agentType: 'unknown', result: { status: 'failed' }, capture: { closedBy: 'SessionEnd', events: ['stop'] } },
  ],
  [
    'a run interrupted by the end of its session: failed, with the closure as its error, ended then',
    () => input(foreground.events.filter((e) => e.kind === 'pre' || e.kind === 'start'), { closure: sessionEnd }),
    {
      metrics: { startTime: T0, endTime: T0 + 30_000, duration: 30_000, durationSource: 'hooks' },
      result: { status: 'failed', outputSize: null },
      errors: [{ type: 'interrupted', message: sessionEnd.detail, tool: null, recoveryAction: null, at: sessionEnd.at }],
      capture: { closedBy: 'SessionEnd', events: ['pre', 'start'] },
    },
  ],
  [
    'a run that timed out: ended at its last sign of life, not at the sweep',
    () => input(foreground.events.filter((e) => e.kind === 'pre' || e.kind === 'start'), { closure: timeout }),
    {
      metrics: { startTime: T0, endTime: T0 + 1_000, duration: 1_000, durationSource: 'hooks' },
      errors: [expect.objectContaining({ type: 'interrupted', message: timeout.detail })],
      capture: { closedBy: 'timeout' },
    },
  ],
  [
    'a nested run launched by another agent: triggered by that agent type, its chain passed through sorted',
    () => input(nested.events, { spawnDepth: 2, chain: { parentExecutionId: 'exec-parent', childExecutions: [], parallelWith: ['exec-b', 'exec-a'] } }),
    {
      agentType: 'code-review-specialist',
      request: { triggeredBy: 'general-purpose', context: { background: false, spawnDepth: 2, parentAgentId: 'aaea8f891b15ec6ae' } },
      result: { status: 'success' },
      capture: { closedBy: 'PostToolUse' },
      chain: { parentExecutionId: 'exec-parent', childExecutions: [], parallelWith: ['exec-a', 'exec-b'] },
    },
  ],
  [
    'an Agent call Claude Code refused (no such agent type): failed, and 0 files, 0 tests are known',
    () => {
      const session = { session_id: 's-1', transcript_path: '/home/dev/.claude/projects/p/s-1.jsonl', cwd: '/home/dev/shop-api', tool_name: 'Agent', tool_use_id: 'toolu_c6d149f0a1239a82', tool_input: { description: 'Ghost agent', prompt: 'never runs', subagent_type: 'no-such-agent' } };
      const events = [
        { ...session, hook_event_name: 'PreToolUse' },
        { ...session, hook_event_name: 'PostToolUseFailure', error: "Agent type 'no-such-agent' not found. Available agents: claude, Explore", is_interrupt: false, duration_ms: 2 },
      ].map((payload, i) => {
        const check = parsePayload(payload);
        if (!check.success) throw new Error(check.error);
        return toStoredEvent(check.data, T0 + i * 1_000, DEFAULT_CONFIG, null);
      });
      return input(events);
    },
    {
      agentType: 'no-such-agent',
      metrics: { duration: 2, durationSource: 'claude-code' },
      result: { status: 'failed', filesModified: 0, testsRun: 0 },
      errors: [expect.objectContaining({ type: 'unknown_agent_type' })],
      capture: { closedBy: 'PostToolUseFailure', events: ['pre', 'fail'] },
    },
  ],
];

describe('assembleExecution', () => {
  test.each(rows)('%s', (_, make, expected) => {
    const record = assembleExecution(make());
    expect(record).toMatchObject({ schemaVersion: 1, id: 'exec-1', capture: { writtenAt: NOW }, ...expected });
  });

  test('a run with no finishing event and no closure has no record yet', () => {
    expect(assembleExecution(input(foreground.events.filter((e) => e.kind === 'pre' || e.kind === 'start')))).toBeNull();
  });

  test('out of order: the same events in any order give the same record', () => {
    const transcript = summarizeTranscript(foreground.agentTranscript(agentOf(foreground)), foreground.projectDir);
    const inOrder = assembleExecution(input(foreground.events, { transcript }));
    const reversed = assembleExecution(input([...foreground.events].reverse(), { transcript }));
    // The set of kinds seen is kept in arrival order; every other field is the same.
    const { capture: a, ...restA } = inOrder as AgentExecution;
    const { capture: b, ...restB } = reversed as AgentExecution;
    expect(restB).toEqual(restA);
    expect([...b.events].sort()).toEqual([...a.events].sort());
  });

  test('a result whose hook process started before the Agent call\'s never ends the run before it began', () => {
    const [pre, ...rest] = foreground.events;
    const late = { ...pre!, at: T0 + 60_000 };
    const record = assembleExecution(input([...rest, late]))!;
    expect(record.metrics.startTime).toBe(late.at);
    expect(record.metrics.endTime).toBeGreaterThanOrEqual(record.metrics.startTime);
  });
});
