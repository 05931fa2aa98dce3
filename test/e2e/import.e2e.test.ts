// `agent-track import` against the real Claude Code: one session runs with the
// hooks installed, then its transcripts are imported twice, into an empty logs
// folder (as if no hook had ever run) and into the project's own (after the
// hooks). The first gives the hooks' records field by field, the second
// changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentExecution } from '../../src/schema/record';
import { agentTrack, storedRecords } from './support/agent-track.js';
import { startFakeAnthropic, type FakeAnthropic } from './support/fake-anthropic.js';
import { CLAUDE_RELEASES, cleanup, createProject, REPO_ROOT, runClaude, type ClaudeRelease, type SessionDirs } from './support/claude-session.js';
import { ALL_SCRIPTS, background, fanout, nested, single, unknownType, type Scenario } from './support/scenarios.js';

let api: FakeAnthropic;
const toClean: SessionDirs[] = [];

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'hook.cjs'))) throw new Error('dist/ missing: run `npm run build` (npm test does)');
  api = await startFakeAnthropic({ scripts: ALL_SCRIPTS });
});
afterAll(async () => {
  await api?.close();
  if (process.env.E2E_KEEP !== '1') toClean.forEach(cleanup);
});

/**
 * All but when it was captured and the hooks' own clock readings (import has
 * the transcript's): start and end, a duration the hooks measured, or took
 * from a failed call's duration_ms (which no transcript keeps), when an
 * Agent call failed, and the tool timeline's offsets from the hooks' start. `ids`: the session's records; the hooks can list as
 * parallel a run that has no record (an agent filed under its own id before
 * it was linked to its Agent call), which import, seeing it linked, does not.
 */
const inBackground = (record: AgentExecution) => record.request.context.background;

function comparable(record: AgentExecution, ids: Set<string>) {
  const { capture: _capture, timestamp: _timestamp, ...rest } = record;
  const { startTime: _s, endTime: _e, ...metrics } = rest.metrics;
  const clocked = metrics.durationSource === 'hooks' || record.capture.closedBy === 'PostToolUseFailure';
  return {
    ...rest,
    // Which runs overlapped follows from start and end times, which are clock readings too: on
    // 2.1.332 a background run that failed at once spans one transcript line for import, but
    // from its launch to its StopFailure for the hooks.
    chain: { ...rest.chain, parallelWith: inBackground(record) ? 'clock' : rest.chain.parallelWith.filter((id) => ids.has(id)) },
    errors: rest.errors.map((e) => (e.tool === null ? { ...e, at: 'clock' } : e)),
    metrics: {
      ...metrics,
      toolTimeline: metrics.toolTimeline?.map(({ start: _start, ...entry }) => entry) ?? null,
      duration: clocked ? 'clock' : metrics.duration,
      durationSource: clocked ? 'clock' : metrics.durationSource,
    },
  };
}

describe.each(CLAUDE_RELEASES.flatMap((release) => ([single, fanout, nested, background, unknownType] as Scenario[]).map((scenario) => ({ release, scenario, name: `${scenario.name} on ${release.version}` }))))('$name', ({ release, scenario }: { release: ClaudeRelease; scenario: Scenario }) => {
  it('import gives the records the hooks gave, and adds nothing after them', async () => {
    const dirs = createProject({ agents: scenario.agents });
    toClean.push(dirs);
    expect(agentTrack(['install'], dirs).status).toBe(0);
    const run = await runClaude({ dirs, apiUrl: api.url, prompt: scenario.prompt, claude: release });
    expect(run.exitCode).toBe(0);
    const logsDir = path.join(dirs.project, '.claude', 'execution-logs');
    const hooked = storedRecords(logsDir);
    expect(hooked.length).toBeGreaterThan(0);

    const fresh = path.join(dirs.root, 'fresh-logs');
    const first = agentTrack(['--logs-dir', fresh, 'import', '--json'], dirs);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ sessions: 1, newRecords: hooked.length, skippedFiles: [] });
    const imported = storedRecords(fresh);
    const ids = new Set(hooked.map((r) => r.id));
    expect(imported.map((r) => comparable(r, ids))).toEqual(hooked.map((r) => comparable(r, ids)));

    const after = agentTrack(['import', '--json'], dirs);
    expect(after.status, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ newRecords: 0, completedRecords: 0, alreadyRecorded: hooked.length });
    expect(storedRecords(logsDir)).toEqual(hooked);
  });
});
