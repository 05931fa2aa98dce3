import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO } from '../support/cli';

// The built hook and statusline carry gitleaks' rules in dist/secret-rules.json
// beside them, required only when there is text to scrub (tsup.config.ts).

// Matched by a carried rule only (gitleaks' age-secret-key), none of the built-in ones.
const AGE_KEY = `AGE-SECRET-KEY-1${'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'}${'QPZRY9X8GF2TVDW0S3JN54KHCE'}`;

function hook(root: string, logs: string, payload: object) {
  return spawnSync(process.execPath, [join(root, 'bin', 'agent-track'), 'hook'], {
    input: JSON.stringify(payload),
    env: { ...process.env, AGENT_TRACK_LOGS_DIR: logs },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

const pre = (logs: string) => ({
  session_id: 'sess-beside',
  transcript_path: join(logs, 'sess-beside.jsonl'),
  cwd: logs,
  hook_event_name: 'PreToolUse',
  tool_name: 'Agent',
  tool_use_id: 'toolu_beside',
  tool_input: { description: 'decrypt', prompt: `decrypt with ${AGE_KEY} please`, subagent_type: 'general-purpose' },
});

describe('the secret rules beside the built bundles', () => {
  test('the built hook finds a secret only a carried rule knows', () => {
    const logs = mkdtempSync(join(tmpdir(), 'agent-track-beside-'));
    const result = hook(REPO, logs, pre(logs));
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
    const written = filesUnder(logs).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(written).toContain('[REDACTED:age-secret-key]');
    expect(written).not.toContain(AGE_KEY);
    rmSync(logs, { recursive: true, force: true });
  });

  test('an event with no text to scrub never reads them', () => {
    const root = mkdtempSync(join(tmpdir(), 'agent-track-beside-install-'));
    cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
    cpSync(join(REPO, 'dist'), join(root, 'dist'), { recursive: true });
    rmSync(join(root, 'dist', 'secret-rules.json'));
    const logs = join(root, 'logs');
    for (const payload of [
      { session_id: 'sess-beside', cwd: root, hook_event_name: 'SessionEnd', reason: 'exit' },
      { session_id: 'sess-beside', cwd: root, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 't', tool_input: { command: 'ls' } },
    ]) {
      const result = hook(root, logs, payload);
      expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
    }
    expect(existsSync(join(logs, 'hook-errors.log'))).toBe(false);
    // And without them a prompt cannot be scrubbed: the hook says so in its error log, never on screen.
    const result = hook(root, logs, pre(logs));
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
    expect(readFileSync(join(logs, 'hook-errors.log'), 'utf8')).toContain('secret-rules.json');
    expect(filesUnder(logs).map((f) => readFileSync(f, 'utf8')).join('\n')).not.toContain(AGE_KEY);
    rmSync(root, { recursive: true, force: true });
  });
});
