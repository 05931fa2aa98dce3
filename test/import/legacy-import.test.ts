import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { importTranscripts, type ImportRequest } from '../../src/import/import';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { sessionFiguresSchema } from '../../src/schema/session';
import type { AgentExecution } from '../../src/schema/record';
import { allRecords, completionLines, replay } from '../support/replay';
import { addSession, fixturesDir, isAgentEvent } from '../support/fixtures';
import { comparableWithHooks, expectAsTranscriptsSay, jsonLines, runsInTranscripts } from '../support/legacy-transcripts';

// Sessions of Claude Code releases before 2.1.2, captured offline by
// scripts/capture-claude-code-legacy.ts into test/fixtures/claude-code-<version>/:
//   1.0.128: the subagents' lines inside the session file (isSidechain: true)
//   2.0.30:  agent-<id>.jsonl beside the session file; hooks without ids
//   2.0.77:  agent-<id>.jsonl beside the session file; hooks with tool_use_id and agent ids
// Each session: `fanout`, two Task calls at once (the second agent tries a Task call of
// its own, which those releases refuse), and `resumed`, one Task call, then `--resume`
// and another. Import must give one record per run with what the transcript says.

const FIXTURES = join(fixturesDir(), '..');
const LEGACY = ['1.0.128', '2.0.30', '2.0.77'] as const;
const SCENARIOS = ['fanout', 'resumed'] as const;
const PROJECT = '/home/dev/shop-api';

interface Laid {
  root: string;
  projectsDir: string;
  folder: string;
  source: string;
}

/** The capture's transcripts as Claude Code left them: every file side by side in the project's folder. */
function layOut(version: string, scenario: string): Laid {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-legacy-'));
  const source = join(FIXTURES, `claude-code-${version}`, scenario);
  const projectsDir = join(root, 'claude', 'projects');
  const folder = join(projectsDir, '-home-dev-shop-api');
  mkdirSync(folder, { recursive: true });
  for (const name of readdirSync(join(source, 'transcripts'))) cpSync(join(source, 'transcripts', name), join(folder, name));
  return { root, projectsDir, folder, source };
}

function request(projectsDir: string, logsDir: string): ImportRequest {
  return { projectsDir, project: PROJECT, logsDir, since: null, dryRun: false, configFor: () => DEFAULT_CONFIG, clock: Date.now };
}

describe.each(LEGACY)('Claude Code %s', (version) => {
  describe.each(SCENARIOS)('%s', (scenario) => {
    test('one record per Task call, each field as the transcripts say', () => {
      const laid = layOut(version, scenario);
      const logs = join(laid.root, 'logs');
      const result = importTranscripts(request(laid.projectsDir, logs));
      // fanout: two calls (the refused nested one is no run); resumed: one before --resume, one after.
      expect(runsInTranscripts(laid.folder)).toHaveLength(2);
      expect(result).toMatchObject({ runs: 2, newRecords: 2, skippedFiles: [] });
      expectAsTranscriptsSay(allRecords(logs), laid.folder, version);
      expect(completionLines(logs)).toHaveLength(2);
    });

    test('importing again adds nothing', () => {
      const laid = layOut(version, scenario);
      const logs = join(laid.root, 'logs');
      importTranscripts(request(laid.projectsDir, logs));
      const before = allRecords(logs);
      const again = importTranscripts(request(laid.projectsDir, logs));
      expect(again).toMatchObject({ newRecords: 0, completedRecords: 0 });
      expect(allRecords(logs)).toEqual(before);
      // Even when every file must be read again (the index forgotten): the records are found, not rewritten.
      rmSync(join(logs, '.import'), { recursive: true, force: true });
      rmSync(join(logs, 'import-index.json'), { force: true });
      expect(importTranscripts(request(laid.projectsDir, logs))).toMatchObject({ newRecords: 0, completedRecords: 0 });
      expect(allRecords(logs)).toEqual(before);
    });

    test("the main thread's tokens beside the records make Claude Code's own totals: no sidechain line counted twice", () => {
      const laid = layOut(version, scenario);
      const logs = join(laid.root, 'logs');
      importTranscripts(request(laid.projectsDir, logs));
      const session = jsonLines(join(laid.source, 'transcripts', readdirSync(join(laid.source, 'transcripts')).find((n) => !n.startsWith('agent-') && statSync(join(laid.source, 'transcripts', n)).size > 500)!))[0]!.sessionId as string;
      const figures = sessionFiguresSchema().parse(JSON.parse(readFileSync(join(logs, 'sessions', `${session}.json`), 'utf8')));
      // result.json is the last `claude -p` run's: for `resumed`, only the part after --resume.
      if (scenario === 'resumed') return;
      const claude = JSON.parse(readFileSync(join(laid.source, 'result.json'), 'utf8'));
      const records = allRecords(logs);
      // The main thread's model: Claude Code's side calls (titles, quota checks) bill another one and are in no transcript.
      const mainModels = new Set(Object.keys(figures.mainThread));
      expect(mainModels.size).toBe(1);
      // `usage` of the result is the main thread's own: the sidechains' lines in the same file (1.0.x) are not in it.
      const [mainModel] = mainModels;
      expect(figures.mainThread[mainModel!]).toMatchObject({ input: claude.usage.input_tokens, output: claude.usage.output_tokens, cacheRead: claude.usage.cache_read_input_tokens });
      for (const [model, usage] of Object.entries(claude.modelUsage as Record<string, Record<string, number>>)) {
        if (!mainModels.has(model)) continue;
        const runs = records.filter((r) => r.request.context.model === model);
        const sum = (key: 'input' | 'output' | 'cacheRead') => runs.reduce((n, r) => n + r.metrics.tokens![key], 0) + (figures.mainThread[model]?.[key] ?? 0);
        // Claude Code also bills the warm-up calls of 2.0.x (agent files no Task call launched), which no run owns.
        const warmups = readdirSync(laid.folder)
          .filter((n) => n.startsWith('agent-'))
          .map((n) => jsonLines(join(laid.folder, n)))
          .filter((own) => own[0]?.message?.content === 'Warmup')
          .flatMap((own) => own.filter((l) => l.type === 'assistant' && l.message.model === model));
        const warm = (key: string) => warmups.reduce((n, l) => n + (l.message.usage[key] ?? 0), 0);
        expect(sum('output') + warm('output_tokens'), model).toBe(usage.outputTokens);
        // 2.0.30 reports no input or cache tokens at all in modelUsage (docs/claude-code-observations.md).
        if (version === '2.0.30') expect([usage.inputTokens, usage.cacheReadInputTokens]).toEqual([0, 0]);
        else expect([sum('input') + warm('input_tokens'), sum('cacheRead') + warm('cache_read_input_tokens')], model).toEqual([usage.inputTokens, usage.cacheReadInputTokens]);
      }
    });
  });
});

describe('Claude Code 2.0.77, whose hooks name the Task call and the agent', () => {
  const hookPayloads = (laid: Laid) =>
    readFileSync(join(laid.source, 'hooks.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line.split('/home/dev/.claude/projects').join(laid.projectsDir)) as Record<string, unknown>)
      .filter(isAgentEvent);

  test.each(SCENARIOS)('%s: import writes the records its hooks give agent-track, field by field', (scenario) => {
    const laid = layOut('2.0.77', scenario);
    const hooked = join(laid.root, 'hooked');
    replay(hooked, hookPayloads(laid));
    const imported = join(laid.root, 'imported');
    importTranscripts(request(laid.projectsDir, imported));
    const fromHooks = allRecords(hooked).filter((r) => r.request.context.toolUseId !== null);
    const fromImport = allRecords(imported);
    expect(fromImport.map((r) => r.id).sort()).toEqual(fromHooks.map((r) => r.id).sort());
    const byId = new Map(fromHooks.map((r) => [r.id, r]));
    const runs = new Set(byId.keys());
    for (const record of fromImport) expect(comparableWithHooks(record, runs)).toEqual(comparableWithHooks(byId.get(record.id)!, runs));
    // The hooks' own records of the warm-up agents: no Task call, filed under the agent.
    expect(allRecords(hooked).filter((r) => r.request.context.toolUseId === null).map((r) => r.agentType).sort()).toEqual(['Bash', 'Explore', 'Plan']);
  });

  test.each(SCENARIOS)('%s: importing after the hooks adds nothing and changes no record', (scenario) => {
    const laid = layOut('2.0.77', scenario);
    const logs = join(laid.root, 'logs');
    replay(logs, hookPayloads(laid));
    const before = allRecords(logs);
    const result = importTranscripts(request(laid.projectsDir, logs));
    expect(result).toMatchObject({ newRecords: 0, completedRecords: 0 });
    expect(allRecords(logs)).toEqual(before);
  });
});

describe('files that are not whole transcripts', () => {
  test('a session file cut inside a sidechain (1.0.x): the cut line is counted, the rest imported', () => {
    const laid = layOut('1.0.128', 'fanout');
    const session = readdirSync(laid.folder).find((n) => n.endsWith('.jsonl'))!;
    const path = join(laid.folder, session);
    const text = readFileSync(path, 'utf8');
    // 1.0.x writes a sidechain when its agent is done, then the Task call's result. Cut in the
    // middle of the last sidechain's last line: everything after it is lost, as after a crash.
    const all = text.split('\n');
    const lastSide = all.findLastIndex((l, i) => l.includes('"isSidechain":true') && !(all[i + 1] ?? '').includes('"isSidechain":true'));
    const keep = all.slice(0, lastSide).join('\n').length + 1 + Math.floor(all[lastSide]!.length / 2);
    truncateSync(path, keep);
    const logs = join(laid.root, 'logs');
    const result = importTranscripts(request(laid.projectsDir, logs));
    expect(result.skippedFiles).toEqual([{ path, reason: '1 malformed line(s) (truncated?), rest imported' }]);
    // The first agent's run is whole; the second's result was never written: a run the hooks would still have in flight.
    expect(result).toMatchObject({ runs: 2, newRecords: 1, inFlight: 1 });
    expect(allRecords(logs).map((r) => r.agentType)).toEqual(['code-review-specialist']);
    // Once the rest is there (Claude Code wrote it after all), the second run is recorded too.
    appendFileSync(path, text.slice(keep));
    expect(importTranscripts(request(laid.projectsDir, logs))).toMatchObject({ runs: 2, newRecords: 1, alreadyRecorded: 1, skippedFiles: [] });
    expect(allRecords(logs).map((r) => r.agentType).sort()).toEqual(['code-review-specialist', 'general-purpose']);
  });

  test('an agent file beside the session (2.0.x) cut short or not JSON: skipped and counted, its run still recorded', () => {
    const laid = layOut('2.0.30', 'fanout');
    const agents = readdirSync(laid.folder).filter((n) => n.startsWith('agent-'));
    const [cut, garbage] = runsInTranscripts(laid.folder).map((r) => `agent-${r.agentId}.jsonl`);
    expect(agents).toContain(cut);
    truncateSync(join(laid.folder, cut!), 20);
    appendFileSync(join(laid.folder, garbage!), '');
    cpSync(join(laid.folder, cut!), join(laid.folder, garbage!));
    const logs = join(laid.root, 'logs');
    const result = importTranscripts(request(laid.projectsDir, logs));
    expect(result.skippedFiles.map((f) => [f.path.split('/').pop(), f.reason]).sort()).toEqual([
      [cut, 'not JSON'],
      [garbage, 'not JSON'],
    ].sort());
    // From the Task call and its result alone: Claude Code's figures, no transcript's.
    const records = allRecords(logs);
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.metrics.tokensUsed === 171 && r.metrics.tokens === null)).toBe(true);
  });

  test('agent files are never taken for sessions, warm-up agents (2.0.x) make no record', () => {
    const laid = layOut('2.0.77', 'fanout');
    const warmups = readdirSync(laid.folder).filter((n) => n.startsWith('agent-') && jsonLines(join(laid.folder, n))[0]!.message.content === 'Warmup');
    expect(warmups.length).toBeGreaterThan(0);
    const result = importTranscripts({ ...request(laid.projectsDir, join(laid.root, 'logs')), project: null });
    expect(result).toMatchObject({ sessions: 1, runs: 2, newRecords: 2 });
  });
});

describe('a 2.1.x subagent without its meta file', () => {
  test('is still found and recorded, its type taken from the Agent call', () => {
    const root = mkdtempSync(join(tmpdir(), 'agent-track-legacy-'));
    const projectsDir = join(root, 'projects');
    const { sessionFile, sessionId } = addSession(projectsDir, PROJECT, 'single', '2.1.332');
    const subagents = join(sessionFile.slice(0, -'.jsonl'.length), 'subagents');
    const withMeta = join(root, 'with-meta');
    importTranscripts(request(projectsDir, withMeta));
    for (const name of readdirSync(subagents).filter((n) => n.endsWith('.meta.json'))) rmSync(join(subagents, name));
    const without = join(root, 'without-meta');
    const result = importTranscripts(request(projectsDir, without));
    expect(result).toMatchObject({ newRecords: 1, skippedFiles: [] });
    const [record] = allRecords(without);
    const [expected] = allRecords(withMeta);
    expect(record!.request.context.sessionId).toBe(sessionId);
    // The meta file gave the spawn depth only (2.1.2 to 2.1.63 wrote none); everything else is in the transcripts.
    const bare = (r: AgentExecution) => ({ ...r, capture: null, timestamp: null, request: { ...r.request, context: { ...r.request.context, spawnDepth: null } } });
    expect(expected!.request.context.spawnDepth).toBe(1);
    expect(bare(record!)).toEqual(bare(expected!));
  });
});
