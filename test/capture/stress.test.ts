import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sweepInFlight } from '../../src/capture/sweep';
import { generateSessions, rng } from '../../src/demo/generate';
import { writeSessionFiles } from '../../src/demo/generate-io';
import { DEFAULT_CONFIG } from '../../src/schema/config';
import { AgentExecution } from '../../src/schema/record';
import { executionId } from '../../src/store/paths';
import { startHook, type Run } from '../support/cli';
import { filesUnder } from '../support/replay';

// Hundreds of real hook processes at once, in no particular order, some
// killed at random: no record lost, none duplicated, none corrupt.

const CONCURRENCY = 48;
const KILL_SHARE = 0.08;

describe('many concurrent hook processes, some killed', () => {
  test('zero lost, zero duplicated, zero corrupt', { timeout: 240_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'agent-track-stress-'));
    const claudeHome = join(root, 'claude');
    const projectDir = join(root, 'project');
    const logsDir = join(projectDir, '.claude', 'execution-logs');
    const sessions = generateSessions({ startDay: new Date(2026, 10, 23).getTime(), days: 2, promptsPerDay: 20, seed: 11, projectDir, claudeHome, rareOutcomeRate: 0.02 });
    writeSessionFiles(claudeHome, sessions);

    const random = rng(99);
    const jobs = sessions.flatMap((s) => s.events.map((e) => ({ session: s.sessionId, payload: e.payload, kill: random() < KILL_SHARE, delay: Math.floor(random() * 120) })));
    // Shuffle: hook processes start and finish in any order.
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
    }
    expect(jobs.length).toBeGreaterThan(300);

    const killedPayloads = new Set<Record<string, unknown>>();
    const results: Run[] = [];
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const hook = startHook(JSON.stringify(job.payload), { CLAUDE_PROJECT_DIR: projectDir });
        if (job.kill) {
          setTimeout(() => hook.child.kill('SIGKILL'), job.delay);
          killedPayloads.add(job.payload);
        }
        const run = await hook.done;
        if (run.signal) continue;
        results.push(run);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // Every process that was not killed exited 0 in silence.
    expect(results.every((r) => r.status === 0 && r.stdout === '' && r.stderr === '')).toBe(true);
    const errorLog = join(logsDir, 'hook-errors.log');
    expect(existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '').toBe('');

    // A later command closes whatever the killed processes left open.
    const sweep = sweepInFlight(logsDir, DEFAULT_CONFIG, Date.now() + 10 * 86_400_000);
    expect(sweep.errors).toEqual([]);

    const recordFiles = filesUnder(logsDir).filter((f) => /^\d{4}-\d{2}-\d{2}\/[^/]+\/exec-[a-z0-9]+\.json$/.test(f));
    const records = recordFiles.map((f) => AgentExecution.parse(JSON.parse(readFileSync(join(logsDir, f), 'utf8'))));
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);

    const byId = new Map(records.map((r) => [r.id, r]));
    const eventStored = (sessionId: string, toolUseId: string) => {
      const dir = join(logsDir, '.state', sessionId, `x-t-${toolUseId}`);
      return existsSync(dir) && readdirSync(dir).some((n) => n.endsWith('.json') && n !== 'written.json');
    };
    let untouched = 0;
    for (const session of sessions) {
      for (const run of session.runs) {
        const id = executionId(session.sessionId, `t-${run.toolUseId}`);
        const concernsRun = (p: Record<string, unknown>) => p.tool_use_id === run.toolUseId || (run.agentId !== null && p.agent_id === run.agentId && String(p.hook_event_name).startsWith('Subagent'));
        const touchedByKill = session.events.some((e) => killedPayloads.has(e.payload) && concernsRun(e.payload));
        if (!touchedByKill) {
          untouched++;
          // Nothing of this run was killed: its record is there and final.
          const record = byId.get(id);
          expect(record, `run ${run.toolUseId} (${run.agentType}) lost`).toBeDefined();
          expect(record!.result.status).toBe({ success: 'success', 'tool-failure': 'partial', 'api-error': 'failed', 'unknown-type': 'failed', interrupted: 'failed' }[run.outcome]);
        } else if (eventStored(session.sessionId, run.toolUseId)) {
          // At worst a run whose hooks were killed is recorded as interrupted.
          expect(byId.has(id), `run ${run.toolUseId} with stored events has no record`).toBe(true);
        }
      }
    }
    expect(untouched).toBeGreaterThan(20);

    // Completion logs: every line parses, and the last line per id agrees with the record.
    const last = new Map<string, string>();
    for (const day of readdirSync(logsDir).filter((d) => /^\d{4}-/.test(d))) {
      const path = join(logsDir, day, 'completions.jsonl');
      if (!existsSync(path)) continue;
      for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { executionId: string; status: string };
        last.set(entry.executionId, entry.status);
      }
    }
    for (const record of records) expect(last.get(record.id)).toBe(record.result.status);
  });
});
