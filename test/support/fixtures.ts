import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectKey } from '../../src/import/project-key.js';

// Real Claude Code sessions kept in test/fixtures/claude-code-<version>/ (inside the
// repository, so a fresh clone has them), laid out again the way Claude Code keeps
// them on disk, with payload paths rewritten to point there, so the capture code reads
// real transcripts and meta files.

/** The releases with captures in test/fixtures: the oldest supported and the current one. */
export const FIXTURE_VERSIONS = ['2.1.197', '2.1.332'] as const;
export type FixtureVersion = (typeof FIXTURE_VERSIONS)[number];

/** test/fixtures/claude-code-<version>. */
export function fixturesDir(version: FixtureVersion = '2.1.197'): string {
  return fileURLToPath(new URL(`../fixtures/claude-code-${version}`, import.meta.url));
}

/** The 2.1.197 captures, which most unit tests replay. */
export const FIXTURES_DIR = fixturesDir('2.1.197');
/** Hand-run sessions (both releases). */
export type HandCapturedName = 'single' | 'fanout' | 'nested-background';
/** Sessions of `npm run capture:claude-code` (scripts/capture-claude-code.ts), both releases. */
export const CAPTURED_SCENARIOS = ['foreground', 'background-default', 'nested', 'background-api-failure', 'unknown-type', 'interrupted'] as const;
export type FixtureName = HandCapturedName | (typeof CAPTURED_SCENARIOS)[number];

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

export function loadFixture(name: FixtureName, version: FixtureVersion = '2.1.197'): Fixture {
  const dir = join(fixturesDir(version), name);
  const root = mkdtempSync(join(tmpdir(), `agent-track-${name}-`));
  const projectDir = join(root, 'shop-api');
  mkdirSync(projectDir, { recursive: true });
  const original = readFileSync(join(dir, 'hooks.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const sessionId = original[0]!.session_id as string;
  const projectsDir = join(root, '.claude', 'projects', '-home-dev-shop-api');
  const source = join(dir, 'transcripts');
  mkdirSync(join(projectsDir, sessionId, 'subagents'), { recursive: true });
  cpSync(join(source, `${sessionId}.jsonl`), join(projectsDir, `${sessionId}.jsonl`));
  // A session whose only Agent call never started (unknown type) has no subagents folder.
  for (const file of existsSync(join(source, 'subagents')) ? readdirSync(join(source, 'subagents')) : []) {
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

/**
 * Lays a captured session out under `projectsDir` (Claude Code's projects folder) as a
 * session of `project`: the folder Claude Code would name for it, every path of the
 * capture machine's project rewritten to `project`. For import's tests.
 */
export function addSession(projectsDir: string, project: string, scenario: string, version: FixtureVersion = '2.1.332'): { sessionFile: string; sessionId: string } {
  const transcripts = join(fixturesDir(version), scenario, 'transcripts');
  const name = readdirSync(transcripts).find((n) => n.endsWith('.jsonl'))!;
  const sessionId = name.slice(0, -'.jsonl'.length);
  const folder = join(projectsDir, projectKey(project));
  mkdirSync(join(folder, sessionId, 'subagents'), { recursive: true });
  const rewrite = (text: string) => text.split(ORIGINAL_PROJECT).join(project);
  writeFileSync(join(folder, name), rewrite(readFileSync(join(transcripts, name), 'utf8')));
  for (const file of existsSync(join(transcripts, 'subagents')) ? readdirSync(join(transcripts, 'subagents')) : []) {
    writeFileSync(join(folder, sessionId, 'subagents', file), rewrite(readFileSync(join(transcripts, 'subagents', file), 'utf8')));
  }
  return { sessionFile: join(folder, name), sessionId };
}
