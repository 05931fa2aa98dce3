/**
 * Captures real Claude Code sessions into test/fixtures/claude-code-<version>/: the
 * pinned binary runs each scenario offline against the scripted API stand-in of the
 * end-to-end suite, with a hook that appends every payload it gets.
 *
 *   npm run capture:claude-code                 # the current pin (claude-code-current)
 *   npm run capture:claude-code -- --release oldest
 *   npm run capture:claude-code -- --out /tmp/captures
 *
 * Each scenario folder gets what test/fixtures/README.md describes (hooks.jsonl,
 * transcripts/, result.json) with paths rewritten to a neutral /home/dev/shop-api, plus
 * shape.txt: the order of the hook events and the keys of each payload, meta file and
 * transcript line, without ids or times, so that the diff of two releases' shape.txt
 * shows what Claude Code changed and nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeAnthropic } from '../test/e2e/support/fake-anthropic.js';
import {
  captureHooks,
  claudeReleases,
  cleanup,
  label,
  projectSlug,
  readCapture,
  REPO_ROOT,
  runClaude,
  waitForProcess,
  type ClaudeRelease,
  type SessionDirs,
  type SessionOptions,
} from '../test/e2e/support/claude-session.js';
import { ALL_SCRIPTS, apiFailure, foreground, interrupted, LONG_PROCESS, nested, single, unknownType, type Scenario } from '../test/e2e/support/scenarios.js';

/** Folder name → scenario and how it is run: the captures issue 9 asks for, on each release. */
const CAPTURES: { folder: string; scenario: Scenario; options?: Partial<SessionOptions> }[] = [
  { folder: 'foreground', scenario: foreground },
  { folder: 'background-default', scenario: single },
  { folder: 'nested', scenario: nested },
  { folder: 'background-api-failure', scenario: apiFailure },
  { folder: 'unknown-type', scenario: unknownType },
  {
    folder: 'interrupted',
    scenario: interrupted,
    // SIGTERM once the agent's Bash tool runs, as a user's Ctrl-C would.
    options: { interrupt: { signal: 'SIGTERM', when: (s) => waitForProcess(s.dirs, LONG_PROCESS), delayMs: 500 }, settleMs: 500 },
  },
];

/** Every hook event worth seeing; tool events for every tool. */
const EVENTS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'SubagentStart', 'SubagentStop', 'Stop', 'SessionEnd'];
const ALL_TOOLS = Object.fromEntries(['PreToolUse', 'PostToolUse', 'PostToolUseFailure'].map((e) => [e, '*']));

const NEUTRAL_HOME = '/home/dev';
const NEUTRAL_PROJECT = '/home/dev/shop-api';

export function neutral(dirs: SessionDirs): (text: string) => string {
  const pairs: [string, string][] = [
    [projectSlug(dirs.project), projectSlug(NEUTRAL_PROJECT)],
    [dirs.project, NEUTRAL_PROJECT],
    [dirs.home, NEUTRAL_HOME],
    [dirs.root, '/tmp/capture'],
  ];
  // Claude Code keeps background agents' output under /tmp/claude-<uid>/: the uid of
  // whoever captured is no business of the fixtures.
  return (text) => pairs.reduce((t, [from, to]) => t.split(from).join(to), text).replace(/\/tmp\/claude-\d+\//g, '/tmp/claude-1000/');
}

function copyTree(from: string, to: string, rewrite: (text: string) => string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyTree(source, path.join(to, entry.name), rewrite);
    else if (entry.isFile() && /\.(jsonl?|json)$/.test(entry.name)) fs.writeFileSync(path.join(to, entry.name), rewrite(fs.readFileSync(source, 'utf8')));
  }
}

const keys = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).sort().join(',') : typeof value);

/** What a release does, without ids and times: the thing to diff between releases. */
export function shape(folder: string): string {
  const out: string[] = [];
  const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  out.push('# hook payloads, in order');
  for (const p of lines(path.join(folder, 'hooks.jsonl'))) {
    const what = [p.hook_event_name, p.tool_name ?? p.agent_type ?? p.reason ?? p.source ?? ''].filter(Boolean).join(':');
    let line = `${what}  {${keys(p)}}`;
    if (p.tool_response !== undefined) line += `  tool_response{${keys(p.tool_response)}}${p.tool_response?.status ? ` status=${p.tool_response.status}` : ''}`;
    if (typeof p.prompt === 'string' && p.prompt.startsWith('<task-notification>')) line += `  task-notification status=${/<status>(\w+)<\/status>/.exec(p.prompt)?.[1]}`;
    out.push(line);
  }
  const transcripts = path.join(folder, 'transcripts');
  const types = (file: string) => [...new Set(lines(file).map((l) => String(l.type)))].sort().join(',');
  for (const file of fs.readdirSync(transcripts).filter((f) => f.endsWith('.jsonl'))) out.push('', '# main transcript line types', types(path.join(transcripts, file)));
  const subagents = path.join(transcripts, 'subagents');
  if (fs.existsSync(subagents)) {
    const files = fs.readdirSync(subagents).sort();
    const metas = files.filter((f) => f.endsWith('.meta.json')).map((f) => JSON.parse(fs.readFileSync(path.join(subagents, f), 'utf8')) as Record<string, unknown>);
    out.push('', '# subagent meta files', ...metas.map((m) => `${m.agentType}  {${keys(m)}}`).sort());
    out.push('', '# subagent transcript line types', ...[...new Set(files.filter((f) => f.endsWith('.jsonl')).map((f) => types(path.join(subagents, f))))].sort());
  }
  const result = path.join(folder, 'result.json');
  if (fs.existsSync(result)) out.push('', '# result.json', `{${keys(JSON.parse(fs.readFileSync(result, 'utf8')))}}`);
  return `${out.join('\n')}\n`;
}

export async function captureRelease(release: ClaudeRelease, outRoot: string): Promise<string> {
  const target = path.join(outRoot, `claude-code-${release.version}`);
  const api = await startFakeAnthropic({ scripts: ALL_SCRIPTS });
  try {
    for (const { folder, scenario, options } of CAPTURES) {
      const r = await runClaude({
        apiUrl: api.url,
        claude: release,
        prompt: scenario.prompt,
        agents: scenario.agents,
        hooks: captureHooks(EVENTS, { matchers: ALL_TOOLS, execForm: true }),
        settleMs: 300,
        ...options,
      });
      try {
        const captured = readCapture(r.dirs.captureFile);
        if (!r.sessionId || captured.length === 0) throw new Error(`${folder}: no session or no hook payloads (exit ${r.exitCode}): ${r.stderr.slice(0, 500)}`);
        const rewrite = neutral(r.dirs);
        const dest = path.join(target, folder);
        fs.rmSync(dest, { recursive: true, force: true });
        fs.mkdirSync(dest, { recursive: true });
        fs.writeFileSync(path.join(dest, 'hooks.jsonl'), rewrite(captured.map((c) => JSON.stringify(c.payload)).join('\n') + '\n'));
        fs.mkdirSync(path.join(dest, 'transcripts'));
        fs.writeFileSync(path.join(dest, 'transcripts', `${r.sessionId}.jsonl`), rewrite(fs.readFileSync(path.join(r.dirs.transcriptsDir, `${r.sessionId}.jsonl`), 'utf8')));
        const subagents = path.join(r.dirs.transcriptsDir, r.sessionId, 'subagents');
        if (fs.existsSync(subagents)) copyTree(subagents, path.join(dest, 'transcripts', 'subagents'), rewrite);
        if (r.result) fs.writeFileSync(path.join(dest, 'result.json'), rewrite(JSON.stringify(r.result)) + '\n');
        fs.writeFileSync(path.join(dest, 'shape.txt'), shape(dest));
        console.log(`${release.version} ${folder}: exit ${r.exitCode}, ${captured.map(label).join(' ')}`);
      } finally {
        cleanup(r.dirs);
      }
    }
  } finally {
    await api.close();
  }
  return target;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { release: { type: 'string', default: 'current' }, out: { type: 'string', default: path.join(REPO_ROOT, 'test', 'fixtures') } } });
  const release = claudeReleases().find((r) => r.role === values.release || r.version === values.release);
  if (!release) throw new Error(`--release ${values.release}: not a pinned release (oldest, current or a pinned version)`);
  const target = await captureRelease(release, path.resolve(values.out!));
  console.log(`captured into ${path.relative(process.cwd(), target) || target}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: Error) => {
    console.error(`capture-claude-code: ${error.message}`);
    process.exit(1);
  });
}
