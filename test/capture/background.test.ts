import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ingestPayload } from '../../src/capture/ingest';
import { listInFlight, sweepInFlight } from '../../src/capture/sweep';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import type { AgentExecution } from '../../src/schema/record';
import { FIXTURES_DIR, isAgentEvent, loadFixture, type FixtureName } from '../support/fixtures';
import { allRecords, BASE_TIME, completionLines, validate } from '../support/replay';

// Claude Code 2.1.332 launches every top-level agent in the background. Its
// own figures for such a run (duration, tokens, status) reach only the main
// session transcript, in a <task-notification>, after the run's hooks. These
// replays feed the real captured hook payloads in their captured order and
// grow the main transcript the way Claude Code wrote it: a notification
// appears when its UserPromptSubmit (Claude Code delivering it) was captured.

const FIXTURES_332 = join(FIXTURES_DIR, '..', 'claude-code-2.1.332');
const sessionOf = (name: FixtureName) => String((JSON.parse(readFileSync(join(FIXTURES_332, name, 'hooks.jsonl'), 'utf8').split('\n')[0]!) as { session_id: string }).session_id);

interface Expected {
  toolUseId: string;
  status: string;
  tokens: number | null;
  toolUses: number | null;
  durationMs: number | null;
}

/** The notifications in a main transcript, read independently of the code under test. */
function notificationsIn(text: string): Expected[] {
  const out: Expected[] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as { type?: string; message?: { content?: unknown } };
    const content = entry.message?.content;
    if (entry.type !== 'user' || typeof content !== 'string' || !content.startsWith('<task-notification>')) continue;
    const tag = (name: string) => content.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1] ?? null;
    const num = (name: string) => (tag(name) === null ? null : Number(tag(name)));
    out.push({ toolUseId: tag('tool-use-id')!, status: tag('status')!, tokens: num('subagent_tokens'), toolUses: num('tool_uses'), durationMs: num('duration_ms') });
  }
  return out;
}

interface Replayed {
  logsDir: string;
  records: AgentExecution[];
  expected: Expected[];
  /** Records on disk after each agent hook, by tool use id: when each run was first recorded. */
  recordedAfter: { event: string; ids: Set<string> }[];
}

/**
 * The StopFailure that Claude Code 2.1.332 sends for a subagent that ends on an
 * API error: the payload the real binary sent in the same fanout scenario
 * (recorded with test/e2e/support/capture-hook.mjs subscribed to every event),
 * with this capture's ids. The captures were made without a StopFailure hook.
 */
function stopFailureOf(prompt: Record<string, unknown>, agentId: string, agentType: string): Record<string, unknown> {
  return {
    session_id: prompt.session_id,
    transcript_path: prompt.transcript_path,
    cwd: prompt.cwd,
    prompt_id: prompt.prompt_id,
    agent_id: agentId,
    agent_type: agentType,
    effort: { level: 'medium' },
    hook_event_name: 'StopFailure',
    error: 'unknown',
    last_assistant_message: 'API Error: 400 scripted failure',
  };
}

function replayGrowing(name: FixtureName, options: { stopAfterNotification?: string; withholdNotifications?: boolean; stopFailure?: boolean } = {}): Replayed {
  const fixture = loadFixture(name, '2.1.332');
  const mainPath = String(fixture.payloads[0]!.transcript_path);
  const full = readFileSync(mainPath, 'utf8');
  const lines = full.split('\n').filter(Boolean);
  // Claude Code writes a notification twice: a queue-operation line when it queues it, the user message when it delivers it.
  const isNotification = (line: string) => line.includes('<task-notification>') && ['user', 'queue-operation'].includes((JSON.parse(line) as { type: string }).type);
  // Up to the first notification: what Claude Code had written while the agents ran.
  let written = lines.findIndex(isNotification);
  if (written < 0) written = lines.length;
  writeFileSync(mainPath, lines.slice(0, written).map((l) => `${l}\n`).join(''));
  const recordedAfter: Replayed['recordedAfter'] = [];
  let i = 0;
  for (const payload of fixture.payloads) {
    const prompt = typeof payload.prompt === 'string' ? payload.prompt : '';
    if (payload.hook_event_name === 'UserPromptSubmit' && prompt.startsWith('<task-notification>')) {
      if (options.stopFailure && prompt.includes('<status>failed</status>')) {
        // Claude Code fires StopFailure for the agent just before it delivers the notification.
        const agentId = prompt.match(/<task-id>([^<]*)</)![1]!;
        const launch = fixture.payloads.find((p) => p.hook_event_name === 'SubagentStart' && p.agent_id === agentId)!;
        ingestPayload(stopFailureOf(payload, agentId, String(launch.agent_type)), { logsDir: fixture.logsDir, config: DEFAULT_CONFIG, now: BASE_TIME + i++ * 1_000, deadline: Date.now() + 5_000 });
        recordedAfter.push({ event: 'StopFailure', ids: new Set(allRecords(fixture.logsDir).map((r) => r.request.context.toolUseId!)) });
      }
      if (options.withholdNotifications) continue;
      // Claude Code delivers the notification: its transcript lines up to this user message are on disk.
      const id = prompt.match(/<tool-use-id>([^<]*)</)![1]!;
      const at = lines.findIndex((l, n) => n >= written && isNotification(l) && l.includes(id) && l.includes('"type":"user"'));
      written = Math.max(written, at + 1);
      writeFileSync(mainPath, lines.slice(0, written).map((l) => `${l}\n`).join(''));
      if (options.stopAfterNotification === id) break;
      continue;
    }
    if (!isAgentEvent(payload)) continue;
    ingestPayload(payload, { logsDir: fixture.logsDir, config: DEFAULT_CONFIG, now: BASE_TIME + i++ * 1_000, deadline: Date.now() + 5_000 });
    recordedAfter.push({ event: String(payload.hook_event_name), ids: new Set(allRecords(fixture.logsDir).map((r) => r.request.context.toolUseId!)) });
  }
  if (!options.stopAfterNotification && !options.withholdNotifications) writeFileSync(mainPath, full);
  return { logsDir: fixture.logsDir, records: allRecords(fixture.logsDir), expected: notificationsIn(full), recordedAfter };
}

function within(actual: number, expected: number): void {
  // The bar: within 5% or 50 ms of Claude Code's own duration.
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(50, expected * 0.05));
}

describe.each(['single', 'fanout', 'nested-background'] as const)('Claude Code 2.1.332, %s session', (name) => {
  const run = replayGrowing(name);
  const byToolUse = new Map(run.records.map((r) => [r.request.context.toolUseId, r]));

  test('every record is valid and every notified run has one', () => {
    run.records.forEach(validate);
    expect(run.expected.length).toBeGreaterThan(0);
    for (const n of run.expected) expect(byToolUse.has(n.toolUseId)).toBe(true);
  });

  test("a finished background run has Claude Code's duration, tokens and tool count", () => {
    for (const n of run.expected.filter((e) => e.status === 'completed')) {
      const record = byToolUse.get(n.toolUseId)!;
      expect(record.request.context.background).toBe(true);
      expect(record.metrics.durationSource).toBe('task-notification');
      within(record.metrics.duration!, n.durationMs!);
      expect(record.metrics.tokensUsed).toBe(n.tokens);
      expect(record.metrics.totalToolUseCount).toBe(n.toolUses);
      expect(record.result.status).not.toBe('failed');
      expect(record.capture.closedBy).toBe('SubagentStop');
      // Nothing went wrong but what the transcript shows (a failing test command, for one).
      expect(record.errors.every((e) => e.tool !== null)).toBe(true);
    }
  });

  test('the completion log ends with the corrected figures', () => {
    const last = new Map<string, Record<string, unknown>>();
    for (const line of completionLines(run.logsDir)) last.set(line.executionId as string, line);
    for (const record of run.records) {
      expect(last.get(record.id)).toMatchObject({ duration: record.metrics.duration, tokensUsed: record.metrics.tokensUsed, status: record.result.status });
    }
  });

  test('a foreground run (launched by a subagent) keeps the totals of its PostToolUse', () => {
    for (const record of run.records.filter((r) => !r.request.context.background)) {
      expect(record.metrics.durationSource).toBe('claude-code');
      expect(record.capture.closedBy).toBe('PostToolUse');
    }
  });
});

describe('a background agent that fails on an API error (2.1.332 fanout capture)', () => {
  const run = replayGrowing('fanout');
  const failed = run.expected.find((n) => n.status === 'failed')!;
  const record = run.records.find((r) => r.request.context.toolUseId === failed.toolUseId)!;

  test('is closed by its notification, by the next hook of the session, long before SessionEnd', () => {
    expect(record.capture.closedBy).toBe('task-notification');
    expect(record.capture.events).not.toContain('stop');
    const firstSeen = run.recordedAfter.findIndex((step) => step.ids.has(failed.toolUseId));
    expect(firstSeen).toBeGreaterThanOrEqual(0);
    expect(run.recordedAfter[firstSeen]!.event).not.toBe('SessionEnd');
    expect(run.recordedAfter.slice(firstSeen).map((s) => s.event)).toContain('SubagentStop');
  });

  test('is failed with its api_error only: nothing invented', () => {
    expect(record.result.status).toBe('failed');
    expect(record.errors.map((e) => e.type)).toEqual(['api_error']);
    expect(record.errors[0]!.message).toContain('API Error: 400');
  });

  test('lasts what its transcript shows, not launch to exit', () => {
    // The notification of a failed run carries no <usage>: the transcript's own span is the best figure.
    const transcript = readFileSync(
      join(run.logsDir, '..', '..', '..', '.claude', 'projects', '-home-dev-shop-api', String(record.request.context.sessionId), 'subagents', `agent-${record.request.context.agentId}.jsonl`),
      'utf8',
    );
    const times = transcript
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { timestamp?: string }).timestamp)
      .filter((t): t is string => typeof t === 'string')
      .map(Date.parse);
    expect(record.metrics.durationSource).toBe('transcript');
    expect(record.metrics.duration).toBe(Math.max(...times) - Math.min(...times));
    expect(record.metrics.duration).toBeLessThan(2_000);
  });

  test('with no later hook, the next command closes it and status does not list it as running', () => {
    const stopped = replayGrowing('fanout', { stopAfterNotification: failed.toolUseId });
    expect(stopped.records.some((r) => r.request.context.toolUseId === failed.toolUseId)).toBe(false);
    const now = BASE_TIME + 60_000;
    sweepInFlight(stopped.logsDir, DEFAULT_CONFIG, now);
    const closed = allRecords(stopped.logsDir).find((r) => r.request.context.toolUseId === failed.toolUseId)!;
    expect(closed).toMatchObject({ result: { status: 'failed' }, capture: { closedBy: 'task-notification' } });
    expect(closed.errors.map((e) => e.type)).toEqual(['api_error']);
    expect(listInFlight(stopped.logsDir, DEFAULT_CONFIG, now).map((r) => r.executionId)).not.toContain(closed.id);
  });
});

describe('a background agent that fails on an API error, closed at SessionEnd (no notification seen)', () => {
  // As on a release that writes none, or a notification the session did not live to write.
  const run = replayGrowing('fanout', { withholdNotifications: true });
  const failedToolUse = notificationsIn(readFileSync(join(FIXTURES_332, 'fanout', 'transcripts', `${sessionOf('fanout')}.jsonl`), 'utf8')).find((n) => n.status === 'failed')!.toolUseId;
  const record = run.records.find((r) => r.request.context.toolUseId === failedToolUse)!;

  test('is failed with its api_error, not also "interrupted"', () => {
    expect(record.capture.closedBy).toBe('SessionEnd');
    expect(record.result.status).toBe('failed');
    expect(record.errors.map((e) => e.type)).toEqual(['api_error']);
  });

  test('the finished runs keep the transcript estimate, labelled as one', () => {
    for (const other of run.records.filter((r) => r.id !== record.id)) expect(other.metrics.durationSource).toBe('transcript');
  });
});

describe('a background agent that fails on an API error, with the StopFailure hook (2.1.332)', () => {
  const run = replayGrowing('fanout', { stopFailure: true, withholdNotifications: true });
  const failedToolUse = notificationsIn(readFileSync(join(FIXTURES_332, 'fanout', 'transcripts', `${sessionOf('fanout')}.jsonl`), 'utf8')).find((n) => n.status === 'failed')!.toolUseId;
  const record = run.records.find((r) => r.request.context.toolUseId === failedToolUse)!;

  test('is closed by StopFailure itself, as failed with its api_error only', () => {
    const step = run.recordedAfter.findIndex((s) => s.ids.has(failedToolUse));
    expect(run.recordedAfter[step]!.event).toBe('StopFailure');
    expect(record.capture.closedBy).toBe('StopFailure');
    expect(record.result.status).toBe('failed');
    expect(record.errors.map((e) => e.type)).toEqual(['api_error']);
    expect(record.metrics.durationSource).toBe('transcript');
    expect(record.metrics.duration).toBeLessThan(2_000);
  });
});
