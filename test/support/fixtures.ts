import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The three real Claude Code 2.1.197 sessions from ../shared/fixtures, laid out
// again the way Claude Code keeps them on disk, with payload paths rewritten to
// point there, so the capture code reads real transcripts and meta files.

// The captures in the repository once they are there, else the shared folder beside the checkout (or beside a worktree of it).
const FIXTURE_ROOTS = ['../fixtures', '../../../shared/fixtures', '../../../../shared/fixtures'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
const fixturesRoot = (version: string) => FIXTURE_ROOTS.map((root) => join(root, `claude-code-${version}`)).find((dir) => existsSync(dir)) ?? join(FIXTURE_ROOTS[0]!, `claude-code-${version}`);
export const FIXTURES_DIR = fixturesRoot('2.1.197');
export type FixtureName = 'single' | 'fanout' | 'nested-background';
export type ClaudeCodeVersion = '2.1.197' | '2.1.332';

const ORIGINAL_HOME = '/home/dev';
const ORIGINAL_PROJECT = '/home/dev/shop-api';

export interface Fixture {
  root: string;
  projectDir: string;
  logsDir: string;
  payloads: Record<string, unknown>[];
  sessionId: string;
  /** Raw payload lines as captured, before rewriting. */
  original: Record<string, unknown>[];
}

export function loadFixture(name: FixtureName, version: ClaudeCodeVersion = '2.1.197'): Fixture {
  const fixturesDir = fixturesRoot(version);
  const root = mkdtempSync(join(tmpdir(), `agent-track-${name}-`));
  const projectDir = join(root, 'shop-api');
  mkdirSync(projectDir, { recursive: true });
  const original = readFileSync(join(fixturesDir, name, 'hooks.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const sessionId = original[0]!.session_id as string;
  const projectsDir = join(root, '.claude', 'projects', '-home-dev-shop-api');
  const source = join(fixturesDir, name, 'transcripts');
  mkdirSync(join(projectsDir, sessionId, 'subagents'), { recursive: true });
  cpSync(join(source, `${sessionId}.jsonl`), join(projectsDir, `${sessionId}.jsonl`));
  for (const file of readdirSync(join(source, 'subagents'))) {
    cpSync(join(source, 'subagents', file), join(projectsDir, sessionId, 'subagents', file));
  }
  const rewrite = (text: string) => text.split(ORIGINAL_PROJECT).join(projectDir).split(`${ORIGINAL_HOME}/.claude`).join(join(root, '.claude'));
  const payloads = original.map((p) => JSON.parse(rewrite(JSON.stringify(p))) as Record<string, unknown>);
  return { root, projectDir, logsDir: join(projectDir, '.claude', 'execution-logs'), payloads, sessionId, original };
}

export function isAgentEvent(payload: Record<string, unknown>): boolean {
  const event = payload.hook_event_name;
  if (event === 'SubagentStart' || event === 'SubagentStop' || event === 'SessionEnd') return true;
  return typeof event === 'string' && event.startsWith('P') && (payload.tool_name === 'Agent' || payload.tool_name === 'Task');
}
