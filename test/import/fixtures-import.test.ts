import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { importTranscripts, type ImportRequest } from '../../src/import/import';
import { sweepInFlight } from '../../src/capture/sweep';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { sessionFiguresSchema } from '../../src/schema/session';
import type { AgentExecution } from '../../src/schema/record';
import { allRecords, completionLines, replay } from '../support/replay';
import { fixturesDir, isAgentEvent } from '../support/fixtures';

// The real captured sessions of Claude Code 2.1.197 and 2.1.332, laid out as
// Claude Code keeps them. Importing their transcripts must give the records
// the hooks give for the same sessions (replayed from the captured payloads).

// The shared captures, seen from the main checkout or from a worktree under /work/wt.
// The real captures kept in the repository (test/fixtures/claude-code-<version>/).
const FIXTURES = dirname(fixturesDir());
const VERSIONS = ['2.1.197', '2.1.332'] as const;
const SCENARIOS = ['single', 'fanout', 'nested-background'] as const;
const PROJECT = '/home/dev/shop-api';

interface Laid {
  root: string;
  projectsDir: string;
  sessionFile: string;
  payloads: Record<string, unknown>[];
}

function layOut(version: string, scenario: string, root = mkdtempSync(join(tmpdir(), 'agent-track-import-'))): Laid {
  const source = join(FIXTURES, `claude-code-${version}`, scenario);
  const transcripts = join(source, 'transcripts');
  const sessionFile = readdirSync(transcripts).find((name) => name.endsWith('.jsonl'))!;
  const sessionId = sessionFile.slice(0, -'.jsonl'.length);
  const projectsDir = join(root, 'claude', 'projects');
  const folder = join(projectsDir, '-home-dev-shop-api');
  mkdirSync(join(folder, sessionId), { recursive: true });
  cpSync(join(transcripts, sessionFile), join(folder, sessionFile));
  cpSync(join(transcripts, 'subagents'), join(folder, sessionId, 'subagents'), { recursive: true });
  const original = readFileSync(join(source, 'hooks.jsonl'), 'utf8').split('\n').filter(Boolean);
  // The hooks were told the transcripts' paths on the capture machine: point them here.
  const payloads = original
    .map((line) => line.split('/home/dev/.claude/projects').join(projectsDir))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter(isAgentEvent);
  return { root, projectsDir, sessionFile: join(folder, sessionFile), payloads };
}

function request(projectsDir: string, logsDir: string, extra: Partial<ImportRequest> = {}): ImportRequest {
  return { projectsDir, project: PROJECT, logsDir, since: null, dryRun: false, configFor: () => DEFAULT_CONFIG, clock: Date.now, ...extra };
}

/** What the hooks and import must agree on: all but when it was captured, and the hooks' own clock readings. */
function comparable(record: AgentExecution) {
  const { capture: _capture, timestamp: _timestamp, ...rest } = record;
  const { startTime: _s, endTime: _e, ...metrics } = rest.metrics;
  const hooksTimed = metrics.durationSource === 'hooks';
  // Timeline entries are offsets from the run's start, which the replayed hooks take from the test's clock.
  const toolTimeline = metrics.toolTimeline?.map(({ start: _start, ...entry }) => entry) ?? null;
  return { ...rest, metrics: { ...metrics, toolTimeline, duration: hooksTimed ? 'measured by hooks' : metrics.duration } };
}

describe.each(VERSIONS)('Claude Code %s', (version) => {
  describe.each(SCENARIOS)('%s', (scenario) => {
    test('import writes the records the hooks write, field by field', () => {
      const laid = layOut(version, scenario);
      const hooked = join(laid.root, 'hooked');
      replay(hooked, laid.payloads);
      const imported = join(laid.root, 'imported');
      const result = importTranscripts(request(laid.projectsDir, imported));
      const fromHooks = allRecords(hooked);
      const fromImport = allRecords(imported);
      expect(result.newRecords).toBe(fromHooks.length);
      expect(fromImport.map((r) => r.id).sort()).toEqual(fromHooks.map((r) => r.id).sort());
      const byId = new Map(fromHooks.map((r) => [r.id, r]));
      for (const record of fromImport) expect(comparable(record)).toEqual(comparable(byId.get(record.id)!));
      // Both close a background run through Claude Code's notification, stored as the same `notified` event.
      const notified = fromImport.filter((r) => r.capture.events.includes('notified'));
      if (version === '2.1.332') expect(notified.length).toBe(fromImport.filter((r) => r.request.context.background && r.request.triggeredBy === 'user').length);
      expect(completionLines(imported)).toHaveLength(fromImport.length);
    });

    test('importing after the hooks adds nothing and changes no record', () => {
      const laid = layOut(version, scenario);
      const logs = join(laid.root, 'logs');
      replay(logs, laid.payloads);
      const before = allRecords(logs);
      const completions = completionLines(logs).length;
      const result = importTranscripts(request(laid.projectsDir, logs));
      expect(result.newRecords).toBe(0);
      expect(result.completedRecords).toBe(0);
      expect(result.alreadyRecorded).toBe(before.length);
      expect(allRecords(logs)).toEqual(before);
      expect(completionLines(logs)).toHaveLength(completions);
    });

    if (version === '2.1.332' && scenario === 'fanout') {
      test('a background agent that failed on an API error is closed by its notification, as the hooks close it', () => {
        const laid = layOut(version, scenario);
        const logs = join(laid.root, 'logs');
        importTranscripts(request(laid.projectsDir, logs));
        const failed = allRecords(logs).filter((r) => r.result.status === 'failed');
        expect(failed).toHaveLength(1);
        expect(failed[0]!.capture.closedBy).toBe('task-notification');
        expect(failed[0]!.capture.events).not.toContain('fail');
        expect(failed[0]!.errors.map((e) => e.type)).toEqual(['api_error']);
      });
    }

    test("stores the main thread's tokens beside the records: with the subagents', the session's own totals", () => {
      const laid = layOut(version, scenario);
      const logs = join(laid.root, 'logs');
      const result = importTranscripts(request(laid.projectsDir, logs));
      expect(result.sessionFiles).toBe(1);
      const sessionId = laid.sessionFile.split('/').pop()!.slice(0, -'.jsonl'.length);
      const figures = sessionFiguresSchema().parse(JSON.parse(readFileSync(join(logs, 'sessions', `${sessionId}.json`), 'utf8')));
      const claude = JSON.parse(readFileSync(join(FIXTURES, `claude-code-${version}`, scenario, 'result.json'), 'utf8'));
      for (const [model, usage] of Object.entries(claude.modelUsage as Record<string, Record<string, number>>)) {
        const bare = model.replace(/\[[^\]]*\]$/, '');
        const runs = allRecords(logs).filter((r) => r.request.context.model === bare || r.request.context.model === model);
        const sum = (key: 'input' | 'output' | 'cacheRead') => runs.reduce((n, r) => n + r.metrics.tokens![key], 0) + (figures.mainThread[model]?.[key] ?? figures.mainThread[bare]?.[key] ?? 0);
        expect([sum('input'), sum('output'), sum('cacheRead')]).toEqual([usage.inputTokens, usage.outputTokens, usage.cacheReadInputTokens]);
      }
      if (version === '2.1.332') expect(figures.claudeCode!.totalCostUsd).toBeCloseTo(claude.total_cost_usd, 9);
      // Importing again leaves the file as it is.
      expect(importTranscripts(request(laid.projectsDir, logs)).sessionFiles).toBe(0);
    });

    test('the hooks write the same session figures at SessionEnd, and import then leaves them be', () => {
      const laid = layOut(version, scenario);
      const hooked = join(laid.root, 'hooked');
      replay(hooked, laid.payloads);
      const imported = join(laid.root, 'imported');
      importTranscripts(request(laid.projectsDir, imported));
      const sessionId = laid.sessionFile.split('/').pop()!.slice(0, -'.jsonl'.length);
      const read = (logs: string) => sessionFiguresSchema().parse(JSON.parse(readFileSync(join(logs, 'sessions', `${sessionId}.json`), 'utf8')));
      const fromHooks = read(hooked);
      expect(fromHooks.source).toBe('hooks');
      expect({ ...fromHooks, source: 'import', writtenAt: 0 }).toEqual({ ...read(imported), writtenAt: 0 });
      expect(importTranscripts(request(laid.projectsDir, hooked)).sessionFiles).toBe(0);
      expect(read(hooked)).toEqual(fromHooks);
    });

    test("without SessionEnd, the next command's sweep writes the session figures once the transcript is quiet", () => {
      const laid = layOut(version, scenario);
      const logs = join(laid.root, 'logs');
      replay(logs, laid.payloads.filter((p) => p.hook_event_name !== 'SessionEnd'));
      const sessionId = laid.sessionFile.split('/').pop()!.slice(0, -'.jsonl'.length);
      const figuresFile = join(logs, 'sessions', `${sessionId}.json`);
      sweepInFlight(logs, DEFAULT_CONFIG, Date.now());
      // Still being written, as far as anyone can tell: not yet.
      expect(existsSync(figuresFile)).toBe(false);
      const quietSince = new Date(Date.now() - 11 * 60_000);
      utimesSync(laid.sessionFile, quietSince, quietSince);
      sweepInFlight(logs, DEFAULT_CONFIG, Date.now());
      const figures = sessionFiguresSchema().parse(JSON.parse(readFileSync(figuresFile, 'utf8')));
      expect(figures.source).toBe('hooks');
      expect(Object.keys(figures.mainThread).length).toBeGreaterThan(0);
      expect(figures.subagents.runs).toBe(allRecords(logs).length);
    });
  });
});
