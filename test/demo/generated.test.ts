import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { generateSessions } from '../../src/demo/generate';
import { feedSessions, writeSessionFiles } from '../../src/demo/generate-io';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { executionId } from '../../src/store/paths';
import { allRecords, completionLines } from '../support/replay';

// A generated week of varied activity (parallel, nested, background, tool
// failures, API errors, unknown types, interrupts) through the real ingest path.

describe('a generated week of activity', () => {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-gen-'));
  const claudeHome = join(root, 'claude');
  const projectDir = join(root, 'project');
  const logsDir = join(projectDir, '.claude', 'execution-logs');
  const sessions = generateSessions({ startDay: new Date(2026, 10, 2).getTime(), days: 7, promptsPerDay: 12, seed: 7, projectDir, claudeHome, rareOutcomeRate: 0.04 });
  writeSessionFiles(claudeHome, sessions);
  feedSessions(logsDir, sessions, DEFAULT_CONFIG);
  const records = allRecords(logsDir);
  const byId = new Map(records.map((r) => [r.id, r]));
  const runs = sessions.flatMap((s) => s.runs.map((run) => ({ ...run, id: executionId(s.sessionId, `t-${run.toolUseId}`) })));

  test('every run becomes exactly one record', () => {
    expect(runs.length).toBeGreaterThan(60);
    expect(records).toHaveLength(runs.length);
    for (const run of runs) expect(byId.has(run.id)).toBe(true);
    expect(completionLines(logsDir)).toHaveLength(runs.length);
  });

  test('each record has the outcome its run had', () => {
    const expectedStatus = { success: 'success', 'tool-failure': 'partial', 'api-error': 'failed', 'unknown-type': 'failed', interrupted: 'failed' } as const;
    const expectedError = { 'api-error': 'api_error', 'unknown-type': 'unknown_agent_type', interrupted: 'interrupted' } as Record<string, string>;
    for (const run of runs) {
      const record = byId.get(run.id)!;
      expect(record.agentType).toBe(run.agentType);
      expect(record.result.status).toBe(expectedStatus[run.outcome]);
      if (expectedError[run.outcome]) expect(record.errors.map((e) => e.type)).toContain(expectedError[run.outcome]);
    }
    expect(new Set(runs.map((r) => r.outcome))).toEqual(new Set(['success', 'tool-failure', 'api-error', 'unknown-type', 'interrupted']));
  });

  test('nested runs point at their parent and the parent lists them', () => {
    const children = records.filter((r) => r.chain.parentExecutionId);
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) {
      const parent = byId.get(child.chain.parentExecutionId!)!;
      expect(parent.chain.childExecutions).toContain(child.id);
      expect(child.request.triggeredBy).toBe(parent.agentType);
    }
  });

  test('parallel links are symmetric', () => {
    for (const record of records) {
      for (const peer of record.chain.parallelWith) expect(byId.get(peer)!.chain.parallelWith).toContain(record.id);
    }
    expect(records.some((r) => r.chain.parallelWith.length > 0)).toBe(true);
  });

  test('background runs are complete with tokens from their transcripts', () => {
    const background = records.filter((r) => r.request.context.background && r.result.status !== 'failed');
    expect(background.length).toBeGreaterThan(0);
    for (const record of background) {
      expect(record.capture.closedBy).toBe('SubagentStop');
      expect(record.metrics.tokensUsed).toBeGreaterThan(0);
      expect(record.metrics.durationSource).toBe('transcript');
    }
  });
});
