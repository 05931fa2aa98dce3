import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { importTranscripts, type ImportRequest } from '../../src/import/import';
import { projectKey } from '../../src/import/project-key';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { allRecords, completionLines, replay } from '../support/replay';
import { addSession, fixturesDir, isAgentEvent } from '../support/fixtures';

// Import on the real 2.1.332 captures, moved to projects of our own making.

// The real captures kept in the repository (test/fixtures/claude-code-<version>/).
const FIXTURES = dirname(fixturesDir());
const CAPTURED_PROJECT = '/home/dev/shop-api';

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-import-'));
  const projectsDir = join(root, 'claude', 'projects');
  const project = join(root, 'shop-api');
  mkdirSync(project, { recursive: true });
  return { root, projectsDir, project, logsDir: join(project, '.claude', 'execution-logs') };
}

function request(projectsDir: string, extra: Partial<ImportRequest>): ImportRequest {
  return { projectsDir, project: null, logsDir: null, since: null, dryRun: false, configFor: () => DEFAULT_CONFIG, clock: Date.now, ...extra };
}

describe('one project', () => {
  test('names the project folder as Claude Code does, long paths hashed', () => {
    expect(projectKey('/home/dev/shop-api')).toBe('-home-dev-shop-api');
    expect(projectKey('/home/dév/a b.c')).toBe('-home-d-v-a-b-c');
    const long = `/home/dev/${'x'.repeat(300)}`;
    // Cut at 200 characters; the hash is Java's String.hashCode in base 36, as in the 2.1.332 binary.
    expect(projectKey(long)).toMatch(/^-home-dev-x{190}-[0-9a-z]+$/);
    expect(projectKey(long)).toBe(`${'-home-dev-'}${'x'.repeat(190)}-${Math.abs(javaHash(long)).toString(36)}`);
  });

  test('importing twice adds nothing, with or without the index of what was read', () => {
    const { projectsDir, project, logsDir } = setup();
    addSession(projectsDir, project, 'fanout');
    addSession(projectsDir, project, 'nested-background');
    const first = importTranscripts(request(projectsDir, { project, logsDir }));
    expect(first.newRecords).toBe(6);
    const records = allRecords(logsDir);
    const lines = completionLines(logsDir).length;
    const second = importTranscripts(request(projectsDir, { project, logsDir }));
    expect(second.unchangedSessions).toBe(2);
    expect(second.runs).toBe(0);
    rmSync(join(logsDir, '.state', 'import-index.json'));
    const third = importTranscripts(request(projectsDir, { project, logsDir }));
    expect(third).toMatchObject({ runs: 6, newRecords: 0, completedRecords: 0, alreadyRecorded: 6 });
    expect(allRecords(logsDir)).toEqual(records);
    expect(completionLines(logsDir)).toHaveLength(lines);
  });

  test('a dry run counts what it would write and writes nothing', () => {
    const { projectsDir, project, logsDir } = setup();
    addSession(projectsDir, project, 'fanout');
    const result = importTranscripts(request(projectsDir, { project, logsDir, dryRun: true }));
    expect(result.newRecords).toBe(3);
    expect(existsSync(logsDir)).toBe(false);
  });

  test('completes a run the hooks saw only the start of', () => {
    const { root, projectsDir, project, logsDir } = setup();
    const { sessionId } = addSession(projectsDir, project, 'single', '2.1.197');
    const payloads = readFileSync(join(FIXTURES, 'claude-code-2.1.197', 'single', 'hooks.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line.split('/home/dev/.claude/projects').join(projectsDir).split(CAPTURED_PROJECT).join(project)) as Record<string, unknown>)
      .filter(isAgentEvent);
    // Tracking was killed after the Agent call's PreToolUse: nothing else reached the hooks.
    replay(logsDir, payloads.filter((p) => p.hook_event_name === 'PreToolUse'));
    expect(allRecords(logsDir)).toHaveLength(0);
    const result = importTranscripts(request(projectsDir, { project, logsDir }));
    expect(result).toMatchObject({ runs: 1, newRecords: 1 });
    const [record] = allRecords(logsDir);
    expect(record!.request.context.sessionId).toBe(sessionId);
    expect(record!.result.status).toBe('success');
    expect(record!.metrics.durationSource).toBe('claude-code');
    expect([...record!.capture.events].sort()).toEqual(['done', 'pre', 'start', 'stop']);
    void root;
  });

  test('--since leaves out sessions written before it', () => {
    const { projectsDir, project, logsDir } = setup();
    addSession(projectsDir, project, 'fanout');
    const result = importTranscripts(request(projectsDir, { project, logsDir, since: Date.now() + 60_000 }));
    expect(result).toMatchObject({ sessions: 0, runs: 0, newRecords: 0 });
  });
});

describe('files that are not whole transcripts', () => {
  test('truncated, non-JSON and unknown-shape files are skipped and counted, the rest imported', () => {
    const { projectsDir, project, logsDir } = setup();
    const good = addSession(projectsDir, project, 'fanout');
    const folder = join(projectsDir, projectKey(project));
    writeFileSync(join(folder, 'not-json.jsonl'), 'this is not JSON\n{"also":"no"}\n');
    writeFileSync(join(folder, 'unknown.jsonl'), '{"hello":"world"}\n{"n":1}\n');
    writeFileSync(join(folder, 'empty.jsonl'), '');
    // A session cut in the middle of a line, as a crash leaves it.
    const cut = addSession(projectsDir, project, 'single');
    const text = readFileSync(cut.sessionFile, 'utf8');
    writeFileSync(cut.sessionFile, text.slice(0, text.lastIndexOf('"type":"assistant"') + 10));
    // A subagent transcript that is garbage.
    appendFileSync(join(folder, good.sessionId, 'subagents', 'agent-zzz.jsonl'), '\u0000\u0001garbage');
    const result = importTranscripts(request(projectsDir, { project, logsDir }));
    const reasons = Object.fromEntries(result.skippedFiles.map((f) => [f.path.split('/').pop(), f.reason]));
    expect(reasons['not-json.jsonl']).toBe('not JSON');
    expect(reasons['unknown.jsonl']).toBe('unknown shape');
    // Claude Code 2.0.x leaves an empty file for the new session id of every `--resume`: an empty session, nothing wrong.
    expect(reasons['empty.jsonl']).toBeUndefined();
    expect(reasons['agent-zzz.jsonl']).toBe('not JSON');
    expect(reasons[`${cut.sessionId}.jsonl`]).toMatch(/malformed line/);
    expect(result.newRecords).toBeGreaterThanOrEqual(3);
    expect(allRecords(logsDir).length).toBe(result.newRecords);
  });
});

describe('--all-projects', () => {
  test('each run goes to its own project; a deleted project is listed and skipped', () => {
    const { root, projectsDir } = setup();
    const projects = ['api', 'web', 'gone'].map((name) => join(root, name));
    for (const p of projects) mkdirSync(p);
    addSession(projectsDir, projects[0]!, 'single');
    addSession(projectsDir, projects[1]!, 'fanout');
    addSession(projectsDir, projects[2]!, 'nested-background');
    rmSync(projects[2]!, { recursive: true });
    const result = importTranscripts(request(projectsDir, {}));
    expect(result.missingProjects).toEqual([projects[2]]);
    expect(result.projects.map((p) => [p.project, p.newRecords]).sort()).toEqual([
      [projects[0], 1],
      [projects[1], 3],
    ]);
    expect(allRecords(join(projects[0]!, '.claude', 'execution-logs'))).toHaveLength(1);
    expect(allRecords(join(projects[1]!, '.claude', 'execution-logs'))).toHaveLength(3);
    expect(existsSync(projects[2]!)).toBe(false);
  });

  test('--logs-dir collects every project, the deleted one included, in one place', () => {
    const { root, projectsDir } = setup();
    addSession(projectsDir, join(root, 'api'), 'single');
    addSession(projectsDir, join(root, 'gone'), 'fanout');
    const logsDir = join(root, 'all-logs');
    const result = importTranscripts(request(projectsDir, { logsDir }));
    expect(result.missingProjects).toEqual([]);
    expect(allRecords(logsDir)).toHaveLength(4);
  });
});

function javaHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = ((hash << 5) - hash + text.charCodeAt(i)) | 0;
  return hash;
}

test('an import killed after storing the events and before the records is finished by the next one', () => {
  const { projectsDir, project, logsDir } = setup();
  addSession(projectsDir, project, 'fanout');
  importTranscripts(request(projectsDir, { project, logsDir }));
  const records = allRecords(logsDir);
  // What a kill at that moment leaves: the events, no records, no markers, no index.
  for (const day of readdirSync(logsDir).filter((d) => /^\d{4}-/.test(d))) rmSync(join(logsDir, day), { recursive: true });
  rmSync(join(logsDir, '.state', 'import-index.json'));
  for (const session of readdirSync(join(logsDir, '.state')).filter((d) => !d.startsWith('.') && !d.endsWith('.json'))) {
    for (const exec of readdirSync(join(logsDir, '.state', session)).filter((d) => d.startsWith('x-'))) {
      rmSync(join(logsDir, '.state', session, exec, 'written.json'), { force: true });
    }
  }
  expect(allRecords(logsDir)).toHaveLength(0);
  const again = importTranscripts(request(projectsDir, { project, logsDir }));
  expect(again.newRecords).toBe(3);
  expect(allRecords(logsDir).map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
});
