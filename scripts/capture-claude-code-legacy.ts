/**
 * Captures sessions of Claude Code releases before 2.1.2, which wrote their subagents'
 * transcripts differently (docs/claude-code-observations.md, "Before subagents/"), into
 * test/fixtures/claude-code-<version>/, in the format of scripts/capture-claude-code.ts.
 *
 * Those releases are not dev dependencies (import reads what they left on disk; no test
 * runs them), so install the ones to capture into a scratch folder first:
 *
 *   for v in 1.0.128 2.0.30 2.0.77; do (mkdir -p /tmp/cc-old/$v && cd /tmp/cc-old/$v &&
 *     npm i --ignore-scripts @anthropic-ai/claude-code@$v); done
 *   npx tsx scripts/capture-claude-code-legacy.ts --root /tmp/cc-old 1.0.128 2.0.30 2.0.77
 *
 * They are plain `node cli.js` packages (no native binary), they call the agent tool
 * `Task`, and they differ from 2.1.x in their settings: `Bash(*)` is not a valid rule
 * (the whole settings file, hooks included, is then ignored), hook events they do not
 * know invalidate it too, and their .claude.json project entry must carry the lists.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeAnthropic } from '../test/e2e/support/fake-anthropic.js';
import { LEGACY_PERMISSIONS, LEGACY_SCRIPTS, legacyFanout, legacyResumed } from '../test/e2e/support/scenarios.js';
import { captureHooks, cleanup, createProject, killLeftovers, readCapture, REPO_ROOT, sessionEnv, type SessionDirs } from '../test/e2e/support/claude-session.js';
import { neutral, shape } from './capture-claude-code.js';

/** Folder → the scenario; `resumed` runs again with `--resume`. */
const CAPTURES: { folder: string; prompts: string[] }[] = [
  { folder: 'fanout', prompts: [legacyFanout.prompt] },
  { folder: 'resumed', prompts: [legacyResumed.prompt, legacyResumed.resumePrompt] },
];

const ALL_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'SubagentStart', 'SubagentStop', 'Stop', 'SessionEnd'];

function run(cli: string, dirs: SessionDirs, apiUrl: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args, '--output-format', 'json'], { cwd: dirs.project, env: sessionEnv(dirs, apiUrl), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

async function capture(version: string, cli: string, outRoot: string): Promise<void> {
  const source = fs.readFileSync(cli, 'utf8');
  // A hook event the release does not know makes it ignore the whole settings file.
  const events = ALL_EVENTS.filter((e) => source.includes(`"${e}"`));
  const toolEvents = ['PreToolUse', 'PostToolUse', 'PostToolUseFailure'].filter((e) => events.includes(e));
  const api = await startFakeAnthropic({ scripts: LEGACY_SCRIPTS });
  try {
    for (const { folder, prompts } of CAPTURES) {
      const dirs = createProject({
        agents: legacyFanout.agents,
        hooks: captureHooks(events, { matchers: Object.fromEntries(toolEvents.map((e) => [e, '*'])) }),
        settings: { permissions: LEGACY_PERMISSIONS },
      });
      fs.writeFileSync(path.join(dirs.home, '.claude.json'), JSON.stringify({ projects: { [dirs.project]: { hasTrustDialogAccepted: true, allowedTools: [], mcpServers: {}, history: [] } } }));
      try {
        let sessionId: string | undefined;
        let result = '';
        for (const prompt of prompts) {
          const r = await run(cli, dirs, api.url, sessionId ? ['-p', prompt, '--resume', sessionId] : ['-p', prompt]);
          await new Promise((resolve) => setTimeout(resolve, 300));
          killLeftovers(dirs);
          if (r.code !== 0) throw new Error(`${version} ${folder}: exit ${r.code}: ${r.stderr.slice(-500)}`);
          result = r.stdout.trim();
          sessionId ??= (JSON.parse(result) as { session_id: string }).session_id;
        }
        const rewrite = neutral(dirs);
        const dest = path.join(outRoot, `claude-code-${version}`, folder);
        fs.rmSync(dest, { recursive: true, force: true });
        fs.mkdirSync(path.join(dest, 'transcripts'), { recursive: true });
        fs.writeFileSync(path.join(dest, 'hooks.jsonl'), rewrite(readCapture(dirs.captureFile).map((c) => JSON.stringify(c.payload)).join('\n') + '\n'));
        // Every transcript of the project folder: the session(s) and, from 2.0.30 on, agent-<id>.jsonl beside them.
        for (const name of fs.readdirSync(dirs.transcriptsDir).filter((n) => n.endsWith('.jsonl'))) {
          fs.writeFileSync(path.join(dest, 'transcripts', name), rewrite(fs.readFileSync(path.join(dirs.transcriptsDir, name), 'utf8')));
        }
        fs.writeFileSync(path.join(dest, 'result.json'), rewrite(result) + '\n');
        fs.writeFileSync(path.join(dest, 'shape.txt'), shape(dest));
        console.log(`${version} ${folder}: ${fs.readdirSync(path.join(dest, 'transcripts')).join(' ')}`);
      } finally {
        cleanup(dirs);
      }
    }
  } finally {
    await api.close();
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { root: { type: 'string', default: '/tmp/cc-old' }, out: { type: 'string', default: path.join(REPO_ROOT, 'test', 'fixtures') } } });
  if (!positionals.length) throw new Error('name the releases to capture, e.g. 1.0.128 2.0.77');
  for (const version of positionals) await capture(version, path.join(values.root!, version, 'node_modules/@anthropic-ai/claude-code/cli.js'), path.resolve(values.out!));
}

main().catch((error: Error) => {
  console.error(`capture-claude-code-legacy: ${error.message}`);
  process.exit(1);
});
