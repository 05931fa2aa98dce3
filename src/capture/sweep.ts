import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Config } from '../schema/config.js';
import { executionId } from '../store/paths.js';
import { agentTypeOf, startOf, terminalEvent } from './assemble.js';
import { subagentTranscriptPath } from './claude-paths.js';
import { finalizeExecution } from './finalize.js';
import { findLinks, isLinkedOrphan, linkAgents } from './links.js';
import { execKeyForAgent, runStart, SessionState, type EventName, type WrittenMarker } from './state.js';
import { anyAwaiting, collectNotifications } from './awaiting.js';
import { changeMark, forgetSettled, isSettled, markSettled, SETTLED_AFTER_MS } from './settled.js';
import { TRANSCRIPT_MAX_BYTES } from './transcript.js';
import { recordMainThread, sessionTranscriptPath, SWEEP_MAX_BYTES } from './main-thread.js';
import { safeName } from './state.js';
import { sessionFiguresPath } from '../store/paths.js';
import type { RunningExecution } from '../analytics/status.js';

// Runs that never got a terminal event (a killed session, a hook process that
// died) are closed by whichever command runs next: at once when their
// session ended, or as interrupted once older than the in-flight timeout.

export interface SweepResult {
  closed: number;
  repaired: number;
  errors: string[];
}

interface Pending {
  state: SessionState;
  key: string;
  names: EventName[];
}

/**
 * The runs of every session that still need a look. `mark`: remember the
 * sessions found settled, so later sweeps skip them (only a sweep, which
 * writes anyway, does: a dry run changes nothing).
 */
function* pendingExecutions(logsDir: string, mark: boolean, onlySession?: string, settles?: (state: SessionState) => boolean): Generator<Pending> {
  // Session folders never start with a dot; .settled and retention's .gc- folders do.
  const only = onlySession === undefined ? null : basename(new SessionState(logsDir, onlySession).dir);
  const sessions = SessionState.list(logsDir).filter((name) => !name.startsWith('.') && (only === null || name === only));
  if (mark) forgetSettled(logsDir, new Set(sessions));
  for (const dirName of sessions) {
    // Taken before anything is read: an event written from now on is newer.
    const changed = changeMark(logsDir, dirName);
    if (isSettled(logsDir, dirName, changed)) continue;
    const state = SessionState.fromDirName(logsDir, dirName);
    if (!state) continue;
    // Notifications of background runs become events of their runs, which then differ from their markers below.
    if (mark) collectNotifications(state, Date.now() + 5_000, undefined, Date.now() - SETTLED_AFTER_MS);
    linkAgents(state, false);
    let settled = !anyAwaiting(state);
    for (const key of state.execKeys()) {
      // An agent filed under its own id and since linked is part of its Agent call's record.
      if (isLinkedOrphan(state, key)) continue;
      const names = state.eventNames(key);
      const marker = state.readWritten(key);
      // Settled: the record was written from exactly these events and all of its transcript.
      if (marker && marker.events.length === names.length && marker.events.every((n, i) => n === names[i]!.name) && !transcriptGrew(marker)) continue;
      settled = false;
      yield { state, key, names };
    }
    // SessionEnd never came, or its hook ran out of time: the main thread's figures are written here, once the transcript is quiet.
    if (settles && !settles(state)) settled = false;
    if (mark && settled && changed !== null) markSettled(logsDir, dirName, changed, Date.now());
  }
}

/** Close what can be closed, and rewrite records whose events changed after a writer was killed or whose transcript was read too early. */
export function sweepInFlight(logsDir: string, config: Config, now: number): SweepResult {
  const result: SweepResult = { closed: 0, repaired: 0, errors: [] };
  // Only the sweep writes session figures; listInFlight and listToClose only look.
  for (const { state, key, names } of pendingExecutions(logsDir, true, undefined, mainThreadCurrent)) {
    try {
      if (isLinkedOrphan(state, key)) continue;
      const wasWritten = state.readWritten(key) !== null;
      const stale = now - lastActivity(state, key, names) > config.inFlightTimeoutMs;
      // Closing time: agents nobody linked yet are paired with their Agent calls first.
      if (stale || state.sessionEndFor(runStart(names)) !== null) {
        linkAgents(state, true);
        if (isLinkedOrphan(state, key)) continue;
      }
      // The deadline is wall-clock time, per run: `now` may be a report's (or a test's) point of view.
      const ctx = { logsDir, config, now, deadline: Date.now() + 5_000 };
      const outcome = finalizeExecution(state, key, ctx, { closeAs: stale ? 'timeout' : null });
      if (outcome === 'written') {
        if (wasWritten) result.repaired++;
        else result.closed++;
      }
    } catch (error) {
      result.errors.push(`${state.dir}/x-${key}: ${(error as Error).message}`);
    }
  }
  return result;
}

/** Why the next sweep closes a run with no record: past the in-flight timeout, or its session ended. */
export type CloseReason = 'timeout' | 'session ended';

/** Runs started and not finished, and not yet past the in-flight timeout; `session`: of that session only (the statusline). */
export function listInFlight(logsDir: string, config: Config, now: number, session?: string): RunningExecution[] {
  return unrecordedRuns(logsDir, config, now, session)
    .filter((run) => run.closes === null)
    .map((run) => run.execution);
}

/**
 * The unfinished runs the next sweep closes as interrupted, and why: what a
 * dry run of prune shows. Decided as sweepInFlight decides it (a run is stale
 * once its last sign of life is older than the in-flight timeout).
 */
export function listToClose(logsDir: string, config: Config, now: number): (RunningExecution & { reason: CloseReason })[] {
  return unrecordedRuns(logsDir, config, now).flatMap((run) => (run.closes ? [{ ...run.execution, reason: run.closes }] : []));
}

/** Runs with no terminal event and no record yet, each with whether the next sweep closes it (the statusline's warm path needs none of a session's). */
export function unrecordedRuns(logsDir: string, config: Config, now: number, session?: string): { execution: RunningExecution; closes: CloseReason | null }[] {
  const runs: { execution: RunningExecution; closes: CloseReason | null }[] = [];
  const guessed = new Map<SessionState['dir'], Set<string>>();
  for (const { state, key, names } of pendingExecutions(logsDir, false, session)) {
    if (state.readWritten(key)) continue;
    // A just-started agent whose Agent call is listed already (its meta file is not written yet).
    if (!guessed.has(state.dir)) guessed.set(state.dir, new Set([...findLinks(state, true).keys()].map((agentId) => execKeyForAgent(agentId))));
    if (guessed.get(state.dir)!.has(key)) continue;
    const events = state.readEvents(key);
    if (terminalEvent(events)) continue;
    const last = lastActivity(state, key, names);
    const closes = state.sessionEndFor(runStart(events)) !== null ? 'session ended' : now - last > config.inFlightTimeoutMs ? 'timeout' : null;
    const pre = events.find((e) => e.kind === 'pre');
    const execution = {
      executionId: executionId(state.sessionId, key),
      agentType: agentTypeOf(events),
      sessionId: state.sessionId,
      startTime: startOf(events, names[0]?.at ?? now),
      background: pre?.request?.background === true || events.some((e) => e.kind === 'launched'),
      lastActivity: last,
    };
    runs.push({ execution, closes });
  }
  return runs.sort((a, b) => a.execution.startTime - b.execution.startTime);
}

/** Claude Code wrote more of the transcript after the record was built from it (its writes lag the hooks). */
function transcriptGrew(marker: WrittenMarker): boolean {
  if (!marker.transcript) return false;
  try {
    // One the hook would not read (not a regular file, over the cap) is never worth reading again.
    const stat = statSync(marker.transcript.path);
    return stat.isFile() && stat.size <= TRANSCRIPT_MAX_BYTES && stat.size > marker.transcript.bytes;
  } catch {
    return false;
  }
}

/** The last sign of life: its newest event, or its transcript still being written. */
function lastActivity(state: SessionState, key: string, names: EventName[]): number {
  let last = Math.max(0, ...names.map((n) => n.at));
  const events = state.readEvents(key);
  const agentId = events.find((e) => e.agentId)?.agentId;
  const transcriptPath = events.find((e) => e.transcriptPath)?.transcriptPath;
  const path = agentId && transcriptPath ? subagentTranscriptPath(transcriptPath, state.sessionId, agentId) : null;
  if (path) {
    try {
      last = Math.max(last, statSync(path).mtimeMs);
    } catch {
      // No transcript (yet): the events are all we know.
    }
  }
  return last;
}

/**
 * Whether the session's figures file is as new as its transcript, writing it
 * when not and the session is over (ended, or its transcript quiet for
 * SETTLED_AFTER_MS). False while it cannot be written yet: the session is
 * then not settled, so a later sweep looks again.
 */
function mainThreadCurrent(state: SessionState): boolean {
  const transcript = sessionTranscriptPath(state);
  if (!transcript) return true;
  let transcriptAt: number;
  try {
    const stat = statSync(transcript);
    if (!stat.isFile() || stat.size > SWEEP_MAX_BYTES) return true; // Never readable here: nothing to wait for.
    transcriptAt = stat.mtimeMs;
  } catch {
    return true; // Gone: nothing more to read.
  }
  try {
    if (statSync(sessionFiguresPath(state.logsDir, safeName(state.sessionId))).mtimeMs >= transcriptAt) return true;
  } catch {
    // None yet.
  }
  const over = state.sessionEndTimes().length > 0 || Date.now() - transcriptAt > SETTLED_AFTER_MS;
  if (!over) return false;
  return recordMainThread(state, transcript, { now: Date.now(), deadline: Date.now() + 5_000, maxBytes: SWEEP_MAX_BYTES }) !== 'skipped';
}
