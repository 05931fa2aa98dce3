import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderCsv } from '../../src/render/csv';
import { printable, printableJson } from '../../src/render/sanitize';
import { jsonForScript } from '../../src/dashboard/embed';
import { runCli, runHook } from '../support/cli';

// Issue 10, case 12: escapes cleared the screen and set the window title from
// the prune --dry-run agent line, doctor's hook-error lines, the config-key
// error and CSV; bidi overrides showed "invoice\u202Etxt.exe" as "invoiceexe.txt".

const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mevil\u009b1m\u202Etxt.exe\u2066\u200f\u061c';
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

describe('printable', () => {
  test.each([
    ['a CSI sequence goes whole', 'a\u001b[2Jb', 'ab'],
    ['an OSC window title goes whole', 'x\u001b]0;pwned\u0007y', 'xy'],
    ['a C1 CSI', 'x\u009b31my', 'xy'],
    ['bidi override', 'invoice\u202Etxt.exe', 'invoicetxt.exe'],
    ['isolates and marks', '\u2066a\u2069\u200eb\u200f\u061cc', 'abc'],
    ['line breaks become spaces', 'a\nb\r\nc', 'a b  c'],
  ])('%s', (_name, input, expected) => {
    expect(printable(input)).toBe(expected);
  });

  test('keeps line breaks when asked', () => {
    expect(printable('one\u001b[2J\ntwo\u202E', { lines: true })).toBe('one\ntwo');
  });

  test('is linear on a megabyte of escape starts', () => {
    expect(printable('\u001b['.repeat(500_000))).toBe('');
  });

  test('the dashboard data: every string and key, and __proto__ stays a key', () => {
    const data = JSON.parse(jsonForScript(printableJson({ agents: { [`invoice\u202Etxt.exe`]: { sample: HOSTILE } }, list: ['\u001b[2Jx'], __proto__: null })));
    expect(JSON.stringify(data)).not.toMatch(CONTROL);
    expect(Object.keys(data.agents)).toEqual(['invoicetxt.exe']);
    expect(Object.keys(printableJson(JSON.parse('{"__proto__": "a\\u202eb"}')) as object)).toEqual(['__proto__']);
  });

  test('CSV cells are printable, and formulas stay text', () => {
    const csv = renderCsv({ columns: ['agent', 'n'], rows: [[HOSTILE, 1], ['=HYPERLINK("x")', -2]] });
    expect(csv.replace(/\r\n/g, '')).not.toMatch(CONTROL);
    expect(csv).toContain(`"'=HYPERLINK(""x"")",-2`);
  });
});

describe('commands print no escape sequence from stored text', () => {
  const project = () => {
    const root = mkdtempSync(join(tmpdir(), 'agent-track-sanitize-'));
    mkdirSync(join(root, '.claude', 'execution-logs'), { recursive: true });
    return { root, logs: join(root, '.claude', 'execution-logs') };
  };

  test('the config-key error line', () => {
    const { root, logs } = project();
    writeFileSync(join(root, '.claude', 'agent-track.json'), JSON.stringify({ [HOSTILE]: 1 }));
    const run = runCli(['--logs-dir', logs, 'report'], { cwd: root, env: { CLAUDE_PROJECT_DIR: root } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('evil');
    expect(run.stderr).not.toMatch(CONTROL);
  });

  test("doctor's hook-error lines", () => {
    const { root, logs } = project();
    appendFileSync(join(logs, 'hook-errors.log'), `${JSON.stringify({ at: new Date().toISOString(), event: 'PreToolUse', message: HOSTILE })}\n`);
    const run = runCli(['--logs-dir', logs, 'doctor'], { cwd: root, env: { CLAUDE_PROJECT_DIR: root } });
    expect(run.stdout).toContain('evil');
    expect(run.stdout).not.toMatch(CONTROL);
  });

  test('the agent type in prune --dry-run', () => {
    const { root, logs } = project();
    writeFileSync(join(root, '.claude', 'agent-track.json'), JSON.stringify({ inFlightTimeout: '1ms' }));
    const payload = {
      session_id: 'sess-sanitize',
      transcript_path: join(root, 't.jsonl'),
      cwd: root,
      hook_event_name: 'PreToolUse',
      tool_name: 'Agent',
      tool_use_id: 'toolu_sanitize',
      tool_input: { description: 'd', prompt: 'p', subagent_type: HOSTILE },
    };
    expect(runHook(JSON.stringify(payload), { CLAUDE_PROJECT_DIR: root }).status).toBe(0);
    const run = runCli(['--logs-dir', logs, 'prune', '--dry-run'], { cwd: root, env: { CLAUDE_PROJECT_DIR: root } });
    expect(run.stdout).toContain('evil');
    expect(run.stdout).not.toMatch(CONTROL);
  });

  test('report --format csv', () => {
    const { root, logs } = project();
    const base = { session_id: 'sess-csv', transcript_path: join(root, 't.jsonl'), cwd: root, tool_name: 'Agent', tool_use_id: 'toolu_csv' };
    const input = { description: 'd', prompt: 'p', subagent_type: HOSTILE };
    runHook(JSON.stringify({ ...base, hook_event_name: 'PreToolUse', tool_input: input }), { CLAUDE_PROJECT_DIR: root });
    runHook(JSON.stringify({ ...base, hook_event_name: 'PostToolUse', tool_input: input, tool_response: { status: 'completed', content: [{ type: 'text', text: 'done' }] } }), { CLAUDE_PROJECT_DIR: root });
    const run = runCli(['--logs-dir', logs, 'report', '--format', 'csv'], { cwd: root, env: { CLAUDE_PROJECT_DIR: root } });
    expect(run.stdout).toContain('evil');
    expect(run.stdout.replace(/\r\n/g, '')).not.toMatch(CONTROL);
    expect(readFileSync(join(logs, 'hook-errors.log'), { flag: 'a+' }).toString()).toBe('');
  });
});
