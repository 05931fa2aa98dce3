import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { feedSessions, writeSessionFiles } from '../../src/demo/generate-io.js';
import { generateSessions, type SyntheticEvent, type SyntheticSession } from '../../src/demo/generate.js';
import { resolveConfig } from '../../src/schema/config.js';
import { AgentExecution, type AgentExecution as Execution } from '../../src/schema/record.js';
import { DaySummaryFile } from '../../src/schema/summary.js';
import { executionId, safeAgentDir } from '../../src/store/paths.js';
import { localDay } from '../../src/time/period.js';
import { BIN, startHook, type Run } from '../support/cli.js';
import { dayAgo, emptyStore, localMidnight, recordFiles, settle } from '../retention/store.js';

// Prunes running while Claude Code's hooks keep writing: records for today,
// and late corrections of runs that started days ago, landing in day folders
// a prune may be deleting at that very moment. No record written may be
// lost: each is still on disk afterwards, or counted in its day's summary.

const WORKERS = 6;

interface Correction {
  day: string;
  agentType: string;
  id: string;
  payload: Record<string, unknown>;
}

describe('prune while hooks are writing', () => {
  test('loses no record: not today\'s, not a late correction of a day being pruned', { timeout: 240_000 }, async () => {
    const store = emptyStore();
    // Long enough that the sessions of the old days keep their state, so their late events can correct their records.
    writeFileSync(join(store.projectDir, '.claude', 'agent-track.json'), JSON.stringify({ inFlightTimeout: '30d' }));
    const config = resolveConfig({ inFlightTimeout: '30d' });

    // Old days: every event fed, but for some finished runs the final PostToolUse, held back. The
    // session's end closes those runs as interrupted; the held-back event arrives later, as a correction.
    const old = generateSessions({ startDay: localMidnight(13), days: 5, promptsPerDay: 10, seed: 31, projectDir: store.projectDir, claudeHome: store.claudeHome });
    writeSessionFiles(store.claudeHome, old);
    const corrections: Correction[] = [];
    const fed: SyntheticSession[] = old.map((session, index) => {
      const held = index % 2 === 0 ? heldBack(session) : null;
      if (!held) return session;
      const pre = session.events.find((e) => e.payload.tool_use_id === held.payload.tool_use_id && e.payload.hook_event_name === 'PreToolUse')!;
      const agentType = String((held.payload.tool_input as Record<string, unknown>).subagent_type);
      corrections.push({ day: localDay(pre.at), agentType, id: executionId(session.sessionId, `t-${String(held.payload.tool_use_id)}`), payload: held.payload });
      return { ...session, events: session.events.filter((e) => e !== held) };
    });
    feedSessions(store.logsDir, fed, config);
    store.sessions.push(...old);
    settle(store);
    expect(corrections.length).toBeGreaterThan(3);
    for (const c of corrections) expect(readRecord(store.logsDir, c)?.result.status).toBe('failed');
    const oldDays = [...new Set(corrections.map((c) => c.day))];
    const baseline = successByAgent(store.logsDir, oldDays);

    // Today: whole sessions through real hook processes (they stamp their own time, so they land today).
    const fresh = generateSessions({ startDay: localMidnight(40), days: 5, promptsPerDay: 4, seed: 32, projectDir: store.projectDir, claudeHome: store.claudeHome }).slice(0, 12);
    writeSessionFiles(store.claudeHome, fresh);
    const hookRuns: Run[] = [];
    let next = 0;
    const todayWorker = async () => {
      while (next < fresh.length) {
        const session = fresh[next++]!;
        for (const event of session.events) hookRuns.push(await hook(event.payload, store.projectDir));
      }
    };
    // Corrections one after another, oldest day first, so earlier days fall quiet and get pruned while
    // later ones are still corrected; every third is a straggler, arriving at the end, in a day pruned by then or being pruned.
    const byDay = [...corrections].sort((a, b) => a.day.localeCompare(b.day));
    const ordered = [...byDay.filter((_, i) => i % 3 !== 2), ...byDay.filter((_, i) => i % 3 === 2)];
    const correctionWorker = async () => {
      for (const c of ordered) hookRuns.push(await hook(c.payload, store.projectDir));
    };
    // Prunes back to back from two "crontabs" for as long as the hooks write.
    const pruneRuns: Run[] = [];
    let writing = true;
    const pruneLoop = async () => {
      while (writing) pruneRuns.push(await startPrune(store.logsDir));
    };
    const loops = [pruneLoop(), pruneLoop()];
    await Promise.all([correctionWorker(), ...Array.from({ length: WORKERS }, todayWorker)]);
    writing = false;
    await Promise.all(loops);

    for (const run of hookRuns) expect(run).toMatchObject({ status: 0, stdout: '', stderr: '' });
    const errorLog = join(store.logsDir, 'hook-errors.log');
    expect(existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '').toBe('');
    for (const run of pruneRuns) {
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).not.toContain('Failed');
    }

    // Every run of today's sessions has its record, today.
    const today = dayAgo(0);
    const todayIds = new Set(recordFiles(store.logsDir, today).map((f) => f.replace(/^.*exec-(.*)\.json$/, '$1')));
    for (const session of fresh) {
      for (const run of session.runs) expect(todayIds.has(executionId(session.sessionId, `t-${run.toolUseId}`)), `${run.agentType} run lost`).toBe(true);
    }

    // Every correction is on disk, corrected, or counted as a success in its day's summary; and a
    // prune once the hooks are quiet changes nothing to that.
    const expectNoCorrectionLost = () => {
      const gone = new Map<string, number>();
      for (const c of corrections) {
        const record = readRecord(store.logsDir, c);
        if (record) expect(record.result.status).toBe('success');
        else gone.set(`${c.day} ${c.agentType}`, (gone.get(`${c.day} ${c.agentType}`) ?? 0) + 1);
      }
      const after = successByAgent(store.logsDir, oldDays, true);
      for (const [key, count] of gone) {
        expect((after.get(key) ?? 0) - (baseline.get(key) ?? 0), `${count} corrections of ${key} lost`).toBeGreaterThanOrEqual(count);
      }
    };
    expectNoCorrectionLost();
    const last = await startPrune(store.logsDir);
    expect(last.status, last.stdout).toBe(0);
    expectNoCorrectionLost();
    // In a day pruned by now, the only records left are corrections its summary came too early for.
    for (const day of oldDays.filter((d) => existsSync(join(store.logsDir, d, '.pruned')))) {
      const corrected = corrections.filter((c) => c.day === day).map((c) => `${safeAgentDir(c.agentType)}/exec-${c.id}.json`);
      for (const file of recordFiles(store.logsDir, day)) expect(corrected, `${day}/${file}`).toContain(file);
    }
  });
});

/** A finished foreground run's closing PostToolUse, if the session has one. */
function heldBack(session: SyntheticSession): SyntheticEvent | null {
  return (
    session.events.find((e) => {
      const p = e.payload;
      const response = p.tool_response as Record<string, unknown> | undefined;
      const run = session.runs.find((r) => r.toolUseId === p.tool_use_id);
      return p.hook_event_name === 'PostToolUse' && p.agent_id === undefined && response?.status === 'completed' && run?.outcome === 'success';
    }) ?? null
  );
}

function readRecord(logsDir: string, c: Correction): Execution | null {
  try {
    return AgentExecution.parse(JSON.parse(readFileSync(join(logsDir, c.day, safeAgentDir(c.agentType), `exec-${c.id}.json`), 'utf8')));
  } catch {
    return null;
  }
}

/** "day agentType" -> successes, from the records (or, with `fromSummaries`, from the day's summary.json). */
function successByAgent(logsDir: string, days: string[], fromSummaries = false): Map<string, number> {
  const counts = new Map<string, number>();
  for (const day of days) {
    if (fromSummaries) {
      const path = join(logsDir, day, 'summary.json');
      if (!existsSync(path)) continue;
      const summary = DaySummaryFile.parse(JSON.parse(readFileSync(path, 'utf8')));
      for (const [agent, figures] of Object.entries(summary.agents)) counts.set(`${day} ${agent}`, figures.success);
    } else {
      for (const file of recordFiles(logsDir, day)) {
        const record = AgentExecution.parse(JSON.parse(readFileSync(join(logsDir, day, file), 'utf8')));
        if (record.result.status === 'success') counts.set(`${day} ${record.agentType}`, (counts.get(`${day} ${record.agentType}`) ?? 0) + 1);
      }
    }
  }
  return counts;
}

function hook(payload: Record<string, unknown>, projectDir: string): Promise<Run> {
  return startHook(JSON.stringify(payload), { CLAUDE_PROJECT_DIR: projectDir }).done;
}

function startPrune(logsDir: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.AGENT_TRACK_LOGS_DIR;
  delete env.CLAUDE_PROJECT_DIR;
  const child = spawn(process.execPath, [BIN, '--logs-dir', logsDir, 'prune'], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}
