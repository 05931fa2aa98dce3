import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { filesUnder } from '../support/replay';
import { runHook, startHook } from '../support/cli';
import { NAME_MAX, TRUNCATED } from '../../src/schema/limits';

// The hook must never hurt the agent: whatever arrives on stdin, it exits 0,
// prints nothing, logs the problem, and writes nothing outside the logs folder.

function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-bad-'));
  const project = join(root, 'project');
  mkdirSync(project);
  const logsDir = join(project, '.claude', 'execution-logs');
  return { root, project, logsDir, env: { CLAUDE_PROJECT_DIR: project } };
}

function errorLog(logsDir: string): string[] {
  const path = join(logsDir, 'hook-errors.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

function expectSilentSuccess(run: ReturnType<typeof runHook>) {
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe('');
}

const agentCall = (fields: Record<string, unknown>) =>
  JSON.stringify({
    session_id: 'sess-bad',
    transcript_path: '/nonexistent/t.jsonl',
    cwd: '/nonexistent',
    hook_event_name: 'PreToolUse',
    tool_name: 'Agent',
    tool_use_id: 'toolu_x',
    tool_input: { description: 'd', prompt: 'p', subagent_type: 'reviewer' },
    ...fields,
  });

describe('payloads that are not what Claude Code sends', () => {
  test.each([
    ['empty', '', 'empty payload'],
    ['whitespace', '  \n', 'empty payload'],
    ['not JSON', 'hello there', 'payload is not JSON'],
    ['truncated JSON', agentCall({}).slice(0, 60), 'payload is not JSON'],
    ['a JSON array', '[1,2,3]', 'not a JSON object'],
    ['a JSON string', '"PreToolUse"', 'not a JSON object'],
    ['a session id of the wrong type', agentCall({ session_id: 42 }), 'invalid hook payload'],
    ['no tool_use_id', agentCall({ tool_use_id: undefined }), 'invalid hook payload'],
    ['tool_input of the wrong type', agentCall({ tool_input: 'nope' }), 'invalid hook payload'],
  ])('%s: exit 0, silent, logged', (_name, input, logged) => {
    const box = sandbox();
    expectSilentSuccess(runHook(input, box.env));
    const log = errorLog(box.logsDir);
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]!).message).toContain(logged);
    expect(filesUnder(box.root)).toEqual(['project/.claude/execution-logs/hook-errors.log']);
  });

  test('a payload over the size cap is refused without reading it all', () => {
    const box = sandbox();
    const huge = agentCall({ tool_input: { prompt: 'x'.repeat(17 * 1024 * 1024), subagent_type: 'reviewer' } });
    expectSilentSuccess(runHook(huge, box.env));
    expect(JSON.parse(errorLog(box.logsDir)[0]!).message).toContain('larger than');
  });

  test('a big but legal payload is recorded', () => {
    const box = sandbox();
    expectSilentSuccess(runHook(agentCall({ tool_input: { prompt: 'y'.repeat(2 * 1024 * 1024), subagent_type: 'reviewer' } }), box.env));
    expect(errorLog(box.logsDir)).toEqual([]);
    expect(filesUnder(box.logsDir).some((f) => f.includes('-pre-'))).toBe(true);
  });

  test('descriptive fields of the wrong type are dropped, the event is kept', () => {
    const box = sandbox();
    expectSilentSuccess(runHook(agentCall({ prompt_id: 7, tool_input: { prompt: 5, description: ['x'], subagent_type: 'reviewer' } }), box.env));
    expect(errorLog(box.logsDir)).toEqual([]);
  });

  test('events it does not handle are ignored without writing anything', () => {
    const box = sandbox();
    for (const payload of [
      { session_id: 's', hook_event_name: 'UserPromptSubmit', prompt: 'hi' },
      { session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 't', tool_input: { command: 'ls' } },
      { session_id: 's', hook_event_name: 'Stop' },
    ]) {
      expectSilentSuccess(runHook(JSON.stringify(payload), box.env));
    }
    expect(existsSync(box.logsDir)).toBe(false);
  });

  test('stdin that is never closed: a complete payload is handled without waiting for EOF', async () => {
    const box = sandbox();
    const hook = startHook(agentCall({}), box.env, { keepStdinOpen: true });
    const run = await hook.done;
    hook.child.stdin.destroy();
    expectSilentSuccess(run);
    expect(errorLog(box.logsDir)).toEqual([]);
    expect(filesUnder(box.logsDir).some((f) => f.includes('-pre-'))).toBe(true);
  });

  test('stdin that is never closed and never completes: gives up at the deadline, exit 0', async () => {
    const box = sandbox();
    const hook = startHook(agentCall({}).slice(0, 50), box.env, { keepStdinOpen: true });
    const run = await hook.done;
    hook.child.stdin.destroy();
    expectSilentSuccess(run);
    expect(JSON.parse(errorLog(box.logsDir)[0]!).message).toContain('not JSON');
  });
});

describe('hostile agent types stay inside the logs folder', () => {
  const names = [
    '../../../etc/passwd',
    '..',
    '.',
    '/absolute/path',
    'C:\\Windows\\System32',
    'con',
    'NUL.txt',
    'summary.json',
    'a:b*c?d"e<f>g|h',
    'plugin:reviewer',
    '  spaced out  ',
    'tab\there\nnewline',
    'ünïcödé-agent-名前',
    'x'.repeat(400),
    '💥'.repeat(100),
    '',
  ];

  test.each(names.map((n) => [JSON.stringify(n).slice(0, 40), n]))('%s', (_label, agentType) => {
    const box = sandbox();
    const common = { session_id: 'sess-h', transcript_path: '/nonexistent/t.jsonl', cwd: box.project };
    const events = [
      { ...common, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: 'toolu_h', tool_input: { prompt: 'p', subagent_type: agentType } },
      {
        ...common,
        hook_event_name: 'PostToolUse',
        tool_name: 'Agent',
        tool_use_id: 'toolu_h',
        tool_input: { prompt: 'p', subagent_type: agentType },
        tool_response: { status: 'completed', agentId: 'ah', agentType, content: [{ type: 'text', text: 'done' }], totalDurationMs: 5, totalTokens: 5 },
      },
    ];
    for (const event of events) expectSilentSuccess(runHook(JSON.stringify(event), box.env));
    expect(errorLog(box.logsDir)).toEqual([]);
    const files = filesUnder(box.root);
    expect(files.every((f) => f.startsWith('project/.claude/execution-logs/'))).toBe(true);
    const records = files.filter((f) => /\/exec-[a-z0-9]+\.json$/.test(f));
    expect(records).toHaveLength(1);
    const [day, agentDir] = records[0]!.split('/').slice(3, 5);
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(agentDir).not.toMatch(/^\.|[<>:"/\\|?*\u0000-\u001f]|[. ]$/);
    expect(Buffer.byteLength(agentDir!)).toBeLessThanOrEqual(120);
    const record = JSON.parse(readFileSync(join(box.root, records[0]!), 'utf8'));
    // The record keeps the exact type up to NAME_MAX characters, then marks the cut
    // ("" is not a type: Claude Code's default applies).
    const kept = agentType.length > NAME_MAX ? `${agentType.slice(0, NAME_MAX)}${TRUNCATED}` : agentType;
    expect(record.agentType).toBe(kept || 'general-purpose');
    expect(readdirSync(join(box.logsDir, day!))).toContain(agentDir);
  });
});

describe('files a payload points at that are not ordinary', () => {
  // The hook's work is synchronous, so only checks made before each read keep
  // it inside its deadline: a FIFO would block it until Claude Code killed it.
  function runAgent(box: ReturnType<typeof sandbox>, agentTranscript: string) {
    const common = { session_id: 'sess-f', transcript_path: join(box.root, 'session.jsonl'), cwd: box.project };
    const input = { prompt: 'p', subagent_type: 'reviewer' };
    const events = [
      { ...common, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_use_id: 'toolu_f', tool_input: input },
      { ...common, hook_event_name: 'SubagentStart', agent_id: 'af', agent_type: 'reviewer' },
      { ...common, hook_event_name: 'SubagentStop', agent_id: 'af', agent_type: 'reviewer', agent_transcript_path: agentTranscript, last_assistant_message: 'done' },
      {
        ...common,
        hook_event_name: 'PostToolUse',
        tool_name: 'Agent',
        tool_use_id: 'toolu_f',
        tool_input: input,
        tool_response: { status: 'completed', agentId: 'af', agentType: 'reviewer', content: [{ type: 'text', text: 'done' }], totalDurationMs: 5, totalTokens: 5 },
      },
    ];
    for (const event of events) expectSilentSuccess(runHook(JSON.stringify(event), box.env));
    expect(filesUnder(box.logsDir).filter((f) => /\/exec-[a-z0-9]+\.json$/.test(f))).toHaveLength(1);
  }

  test('a transcript that is a FIFO is skipped and logged, and the run is still recorded', () => {
    const box = sandbox();
    const fifo = join(box.root, 'agent.jsonl');
    execFileSync('mkfifo', [fifo]);
    runAgent(box, fifo);
    expect(errorLog(box.logsDir).map((l) => JSON.parse(l).message)).toEqual([expect.stringMatching(/^transcript skipped: .*agent\.jsonl is not a regular file/)]);
  });

  test('a meta file that is a FIFO is skipped and logged', () => {
    const box = sandbox();
    mkdirSync(join(box.root, 'sess-f', 'subagents'), { recursive: true });
    execFileSync('mkfifo', [join(box.root, 'sess-f', 'subagents', 'agent-af.meta.json')]);
    runAgent(box, join(box.root, 'missing.jsonl'));
    expect(errorLog(box.logsDir).some((l) => JSON.parse(l).message.includes('meta.json is not a regular file'))).toBe(true);
  });

  test('a transcript over the size cap is skipped and logged, not read', () => {
    const box = sandbox();
    const huge = join(box.root, 'agent.jsonl');
    writeFileSync(huge, '');
    truncateSync(huge, 65 * 1024 * 1024); // sparse: no disk, no time to write
    runAgent(box, huge);
    expect(errorLog(box.logsDir).map((l) => JSON.parse(l).message)).toEqual([expect.stringMatching(/^transcript skipped: .*over the 67108864 byte cap/)]);
  });
});
