// The statusline and the SessionStart alert under the real Claude Code:
// `agent-track install --statusline --alerts` in a project that already has a
// statusline of its own (a script that keeps the JSON Claude Code pipes to it),
// a session whose subagent crosses a budget, then the next session: its
// SessionStart alert, and the statusline in the interactive TUI.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTrack } from './support/agent-track.js';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic.js';
import { cleanup, createProject, hasTmux, runClaude, startInteractive, type SessionDirs } from './support/claude-session.js';
import { ALL_SCRIPTS, single } from './support/scenarios.js';

let api: FakeAnthropic;
let dirs: SessionDirs;
let payloadFile: string;

const run = (args: string[], input?: string) => agentTrack(args, dirs, input);

beforeAll(async () => {
  api = await startFakeAnthropic({ scripts: ALL_SCRIPTS });
  dirs = createProject({});
  payloadFile = path.join(dirs.root, 'statusline-payload.json');
  // The user's own statusline: keeps what Claude Code pipes to it, prints "mine".
  const settings = path.join(dirs.project, '.claude', 'settings.json');
  const current = JSON.parse(fs.readFileSync(settings, 'utf8'));
  fs.writeFileSync(settings, JSON.stringify({ ...current, statusLine: { type: 'command', command: `cat > '${payloadFile}'; echo mine` } }));
  // Any subagent run crosses this budget.
  fs.writeFileSync(path.join(dirs.project, '.claude', 'agent-track.json'), JSON.stringify({ budgets: [{ name: 'daily tokens', period: 'day', billedTokens: 100 }] }));
  const install = run(['install', '--statusline', '--alerts']);
  expect(install.status, install.stderr).toBe(0);
});

afterAll(async () => {
  await api?.close();
  if (process.env.E2E_KEEP !== '1' && dirs) cleanup(dirs);
});

/** The hook system messages Claude Code filed in a session's transcript (2.1.197: `attachment.type: "hook_system_message"`). */
function alertLines(sessionId: string): string[] {
  const file = path.join(dirs.transcriptsDir, `${sessionId}.jsonl`);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { attachment?: { type?: string; hookEvent?: string; content?: string } })
    .filter((l) => l.attachment?.type === 'hook_system_message' && l.attachment.hookEvent === 'SessionStart')
    .map((l) => l.attachment!.content!);
}

describe('statusline and alerts under the real Claude Code', () => {
  it('a budget crossed in one session is announced at the start of the next', async () => {
    const first = await runClaude({ dirs, apiUrl: api.url, prompt: single.prompt });
    expect(first.exitCode).toBe(0);
    // Nothing was spent when the first session started: no alert then.
    expect(alertLines(first.sessionId!)).toEqual([]);
    const check = run(['check']);
    expect(check.status).toBe(1);
    expect(check.stdout).toMatch(/^FAIL {2}budget "daily tokens": [\d.k]+ tokens of 100 tokens/);

    const hook = run(['hook', '--alerts'], JSON.stringify({ session_id: 'probe', cwd: dirs.project, hook_event_name: 'SessionStart', source: 'startup' }));
    expect(JSON.parse(hook.stdout).systemMessage).toMatch(/^agent-track: budget "daily tokens"/);

    const second = await runClaude({ dirs, apiUrl: api.url, prompt: single.prompt });
    expect(second.exitCode).toBe(0);
    expect(alertLines(second.sessionId!)).toEqual([expect.stringMatching(/^agent-track: budget "daily tokens": [\d.k]+ tokens of 100 tokens \([\d.]+%\) today$/)]);
    const errors = path.join(dirs.project, '.claude', 'execution-logs', 'hook-errors.log');
    expect(fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8') : '').toBe('');
  }, 120_000);

  it.runIf(hasTmux())('the statusline shows in the TUI beside the user’s own, and reads Claude Code’s real payload', async () => {
    const tui = startInteractive({ apiUrl: api.url, dirs });
    try {
      const screen = await tui.waitForScreen(/mine │ subagents today \$[\d.]+ · ⚠ daily tokens spent/, 30_000);
      expect(screen).not.toContain('agent-track ⚠?');
      const payload = JSON.parse(fs.readFileSync(payloadFile, 'utf8'));
      expect(payload).toMatchObject({ session_id: expect.any(String), cwd: dirs.project, workspace: { project_dir: dirs.project } });
      // The same payload, straight to the command, as Claude Code runs it.
      const line = run(['statusline'], JSON.stringify(payload));
      expect(line.status).toBe(0);
      expect(line.stdout).toMatch(/^subagents today \$[\d.]+ · ⚠ daily tokens spent\n$/);
      await tui.submit('/exit');
    } finally {
      tui.stop();
    }
  }, 90_000);
});
