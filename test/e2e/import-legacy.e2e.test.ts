// `agent-track import` against a real Claude Code release from before 2.1.2: 2.0.77
// (package.json's `claude-code-legacy`), which keeps each subagent's transcript as
// agent-<id>.jsonl beside the session file and is the oldest whose hooks name the Task
// call and the agent (docs/claude-code-observations.md, "Before subagents/"). Run with
// no hooks, import gives one record per Task call with what the transcripts say; run with
// agent-track's hooks, import gives the records the hooks gave, and adds nothing after them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACKED_EVENTS } from '../../src/install/hook-entries';
import { comparableWithHooks, expectAsTranscriptsSay } from '../support/legacy-transcripts';
import { agentTrack, BIN, storedRecords } from './support/agent-track.js';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic.js';
import { cleanup, createProject, findClaude, legacyRelease, REPO_ROOT, runClaude, shellQuote, type HooksConfig, type SessionDirs } from './support/claude-session.js';
import { LEGACY_PERMISSIONS, LEGACY_SCRIPTS, legacyFanout, legacyResumed } from './support/scenarios.js';

const release = legacyRelease();
let api: FakeAnthropic;
const toClean: SessionDirs[] = [];

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'hook.cjs'))) throw new Error('dist/ missing: run `npm run build` (npm test does)');
  api = await startFakeAnthropic({ scripts: LEGACY_SCRIPTS });
});
afterAll(async () => {
  await api?.close();
  if (process.env.E2E_KEEP !== '1') toClean.forEach(cleanup);
});

/**
 * agent-track's hooks as `install` writes them, less the events this release does not
 * know (StopFailure): one unknown event makes releases before 2.1 ignore the whole
 * settings file. Shell form: the exec form's `args` is 2.1's.
 */
function agentTrackHooks(): HooksConfig {
  const claude = findClaude(release);
  const known = fs.readFileSync(claude.prefixArgs[0]!, 'utf8');
  const command = [process.execPath, BIN, 'hook'].map(shellQuote).join(' ');
  const hooks: HooksConfig = {};
  for (const { event, matcher } of TRACKED_EVENTS) {
    if (!known.includes(`"${event}"`)) continue;
    (hooks[event] ??= []).push({ ...(matcher ? { matcher } : {}), hooks: [{ type: 'command', command, timeout: 15 }] });
  }
  return hooks;
}

/** Runs the scenario (and `--resume`s it for legacyResumed); the session's transcripts are then in dirs.transcriptsDir. */
async function session(dirs: SessionDirs, scenario: typeof legacyFanout | typeof legacyResumed): Promise<void> {
  const first = await runClaude({ dirs, apiUrl: api.url, prompt: scenario.prompt, claude: release });
  expect(first.exitCode, first.stderr).toBe(0);
  if (!('resumePrompt' in scenario)) return;
  const again = await runClaude({ dirs, apiUrl: api.url, claude: release, args: ['-p', scenario.resumePrompt, '--resume', first.sessionId!, '--output-format', 'json'] });
  expect(again.exitCode, again.stderr).toBe(0);
}

// E2E_CLAUDE=oldest|current|<2.1 version> narrows the suite to another release.
const skipped = !!process.env.E2E_CLAUDE && process.env.E2E_CLAUDE !== release.version && process.env.E2E_CLAUDE !== release.role;

describe.skipIf(skipped).each([legacyFanout, legacyResumed])(`$name on Claude Code ${release.version}`, (scenario) => {
  it('with no hooks, import writes one record per Task call, each field as the transcripts say', async () => {
    const dirs = createProject({ agents: scenario.agents, settings: { permissions: LEGACY_PERMISSIONS } });
    toClean.push(dirs);
    await session(dirs, scenario);
    const logsDir = path.join(dirs.project, '.claude', 'execution-logs');
    const first = agentTrack(['import', '--json'], dirs);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ runs: 2, newRecords: 2, skippedFiles: [] });
    expectAsTranscriptsSay(storedRecords(logsDir), dirs.transcriptsDir, release.version);
    const again = agentTrack(['import', '--json'], dirs);
    expect(JSON.parse(again.stdout)).toMatchObject({ newRecords: 0, completedRecords: 0 });
  });
});

// The resumed session's hooks are checked on its capture (test/import/legacy-import.test.ts): here only the fan-out, to keep the suite short.
describe.skipIf(skipped)(`${legacyFanout.name} on Claude Code ${release.version}`, () => {
  it("with agent-track's hooks, import gives the records the hooks gave, and adds nothing after them", async () => {
    const dirs = createProject({ agents: legacyFanout.agents, settings: { permissions: LEGACY_PERMISSIONS }, hooks: agentTrackHooks() });
    toClean.push(dirs);
    await session(dirs, legacyFanout);
    const logsDir = path.join(dirs.project, '.claude', 'execution-logs');
    const hooked = storedRecords(logsDir).filter((r) => r.request.context.toolUseId !== null);
    expect(hooked).toHaveLength(2);

    const fresh = path.join(dirs.root, 'fresh-logs');
    const first = agentTrack(['--logs-dir', fresh, 'import', '--json'], dirs);
    expect(first.status, first.stderr).toBe(0);
    const imported = storedRecords(fresh);
    const runs = new Set(hooked.map((r) => r.id));
    expect(imported.map((r) => comparableWithHooks(r, runs))).toEqual(hooked.map((r) => comparableWithHooks(r, runs)));

    const before = storedRecords(logsDir);
    const after = agentTrack(['import', '--json'], dirs);
    expect(after.status, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ newRecords: 0, completedRecords: 0, alreadyRecorded: 2 });
    expect(storedRecords(logsDir)).toEqual(before);
  });
});
