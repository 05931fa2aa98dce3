import { existsSync } from 'node:fs';
import { writtenRecord } from '../capture/main-thread.js';
import type { RecordFigures } from '../capture/session-figures.js';
import { join } from 'node:path';
import { terminalEvent } from '../capture/assemble.js';
import { notifiedEvent } from '../capture/awaiting.js';
import { toStoredEvent, type StoredEvent } from '../capture/events.js';
import { finalizeExecution } from '../capture/finalize.js';
import { parsePayload } from '../capture/payload.js';
import { execKeyForAgent, execKeyForToolUse, SessionState } from '../capture/state.js';
import type { Config } from '../schema/config.js';
import { executionId, LOGS_SUBDIR, projectOfLogs, recordPath } from '../store/paths.js';
import { localDay } from '../time/period.js';
import { allSessions, peekCwd, projectSessions } from './discover.js';
import { ImportIndex, sessionStamp } from './index-file.js';
import { readSession, type ImportedRun, type SessionRead } from './session.js';
import { sessionFigures, writeSessionFigures } from '../capture/session-figures.js';

// Import is another source of the events the hooks store: each run found in
// the transcripts becomes the hook payloads Claude Code would have sent, each
// stored as the hook stores it (same scrubbing, same execution key), and the
// record is written by the hooks' own finalizer. A kind of event the hooks
// already stored for a run is never stored twice, so importing again, or
// after the hooks, adds nothing; a run the hooks saw only in part is completed.

export interface ImportRequest {
  projectsDir: string;
  /** One project (its path), or every project found (null). */
  project: string | null;
  /** Every run into this logs folder (--logs-dir), instead of each project's own. */
  logsDir: string | null;
  /** Only sessions written since, and runs started since. */
  since: number | null;
  dryRun: boolean;
  configFor: (logsDir: string) => Config;
  onProgress?: (done: number, total: number) => void;
  /** Wall-clock now, for the records' writtenAt and the finalizer's deadlines. */
  clock: () => number;
}

export interface ProjectTally {
  project: string;
  logsDir: string;
  sessions: number;
  runs: number;
  newRecords: number;
}

export interface ImportResult {
  sessions: number;
  unchangedSessions: number;
  runs: number;
  newRecords: number;
  completedRecords: number;
  alreadyRecorded: number;
  inFlight: number;
  /** Session figure files (sessions/<session>.json) written or updated. */
  sessionFiles: number;
  bytesRead: number;
  skippedFiles: { path: string; reason: string }[];
  missingProjects: string[];
  projects: ProjectTally[];
}

export function importTranscripts(request: ImportRequest): ImportResult {
  const result: ImportResult = {
    sessions: 0,
    unchangedSessions: 0,
    runs: 0,
    newRecords: 0,
    completedRecords: 0,
    alreadyRecorded: 0,
    inFlight: 0,
    sessionFiles: 0,
    bytesRead: 0,
    skippedFiles: [],
    missingProjects: [],
    projects: [],
  };
  const files = request.project !== null ? projectSessions(request.projectsDir, request.project) : allSessions(request.projectsDir);
  const targets = new Map<string, { index: ImportIndex; config: Config; tally: ProjectTally }>();
  const missing = new Set<string>();
  const targetOf = (project: string) => {
    const logsDir = request.logsDir ?? join(project, LOGS_SUBDIR);
    let target = targets.get(logsDir);
    if (!target) {
      // Every project gathered into one --logs-dir: the folder is named for itself, not for the first project that reached it.
      const name = request.logsDir !== null && request.project === null ? projectOfLogs(request.logsDir) : project;
      target = { index: ImportIndex.load(logsDir), config: request.configFor(logsDir), tally: { project: name, logsDir, sessions: 0, runs: 0, newRecords: 0 } };
      targets.set(logsDir, target);
    }
    return target;
  };

  files.forEach((file, i) => {
    request.onProgress?.(i, files.length);
    const stamp = sessionStamp(file);
    if (!stamp) return;
    if (request.since !== null && stamp.mtimeMs < request.since) return;
    result.sessions++;
    // The project is known before reading: an unchanged session costs a stat.
    const project = request.project ?? peekCwd(file);
    if (project !== null && !existsSync(project) && request.logsDir === null) {
      missing.add(project);
      return;
    }
    if (project !== null && targetOf(project).index.unchanged(file, stamp)) {
      result.unchangedSessions++;
      return;
    }
    const session = readSession(file);
    try {
      result.bytesRead += session.bytes;
      result.skippedFiles.push(...session.skipped);
      const owner = project ?? session.cwd;
      if (owner === null) return; // No Agent call, and no folder named: nothing to import, nowhere to note it.
      if (!existsSync(owner) && request.logsDir === null) {
        missing.add(owner);
        return;
      }
      const target = targetOf(owner);
      target.tally.sessions++;
      importSession(session, target.tally.logsDir, target.config, request, result, target.tally);
      const figures = session.usage && sessionFigures(session.sessionId, session.usage, recordsOf(session, target.tally.logsDir), 'import', request.clock());
      if (figures && !request.dryRun && writeSessionFigures(target.tally.logsDir, figures)) result.sessionFiles++;
      // A session still being written is read again next time anyway (its stamp changes).
      if (!request.dryRun && !session.skipped.some((s) => s.path === file)) target.index.remember(file, stamp);
    } finally {
      session.sidechains.dispose();
    }
  });
  request.onProgress?.(files.length, files.length);
  if (!request.dryRun) for (const target of targets.values()) target.index.save();
  result.missingProjects = [...missing].sort();
  result.projects = [...targets.values()].map((t) => t.tally).filter((t) => t.sessions > 0);
  return result;
}

function importSession(session: SessionRead, logsDir: string, config: Config, request: ImportRequest, result: ImportResult, tally: ProjectTally): void {
  const toFinalize: { state: SessionState; key: string; had: boolean }[] = [];
  for (const run of session.runs) {
    if (request.since !== null && run.startAt < request.since) continue;
    result.runs++;
    tally.runs++;
    const state = new SessionState(logsDir, run.sessionId);
    const key = execKeyForToolUse(run.toolUseId);
    const had = state.readWritten(key) !== null;
    const events = eventsOf(run, config);
    const stored = new Set([...state.eventNames(key), ...(run.agentId ? state.eventNames(execKeyForAgent(run.agentId)) : [])].map((n) => n.kind));
    const fresh = events.filter((e) => !stored.has(e.kind));
    // Records whose in-flight state retention already removed: the record is there, leave it be.
    if (!had && stored.size === 0 && recordExists(logsDir, run.sessionId, key, events)) {
      result.alreadyRecorded++;
      continue;
    }
    if (!fresh.length && had) {
      result.alreadyRecorded++;
      continue;
    }
    if (!terminalEvent(events)) {
      if (!run.ended) result.inFlight++;
      // Nothing to write a record from yet: the events wait for the run's end (or the sweep's timeout).
      if (!fresh.length) continue;
    }
    // With nothing fresh and no record, an import (or hook) was killed between storing the events and the record: write it now.
    if (request.dryRun) {
      if (terminalEvent(events)) {
        if (had) result.completedRecords++;
        else {
          result.newRecords++;
          tally.newRecords++;
        }
      }
      continue;
    }
    if (run.agentId) state.mapAgent(run.agentId, key);
    if (run.launcherAgentId) state.linkChild(run.launcherAgentId, key);
    state.writeEvents(key, fresh);
    toFinalize.push({ state, key, had });
  }
  // Written once every run of the session has its events: links between runs (parallel, parent) are then complete.
  for (const { state, key, had } of toFinalize) {
    if (!terminalEvent(state.readEvents(key))) continue;
    const now = request.clock();
    const outcome = finalizeExecution(state, key, { logsDir, config, now, deadline: now + 5_000 });
    if (outcome !== 'written') continue;
    if (had) result.completedRecords++;
    else {
      result.newRecords++;
      tally.newRecords++;
    }
  }
}

/** The events the hooks would have stored, in the order they would have come. */
function eventsOf(run: ImportedRun, config: Config): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const { at, payload, meta } of run.payloads) {
    const parsed = parsePayload(payload);
    if (!parsed.success) continue;
    events.push(toStoredEvent(parsed.data, at, config, meta ?? null));
  }
  if (run.notified) events.push(notifiedEvent(run.sessionId, run.transcriptPath, run.notified.notification, run.notified.at));
  return events;
}

function recordExists(logsDir: string, sessionId: string, key: string, events: StoredEvent[]): boolean {
  const pre = events.find((e) => e.kind === 'pre');
  if (!pre) return false;
  // The hook's clock and the transcript's may put a run near midnight on either side.
  const days = new Set([localDay(pre.at - 60_000), localDay(pre.at), localDay(pre.at + 60_000)]);
  const types = new Set(events.map((e) => e.agentType).filter((t): t is string => t !== null));
  const id = executionId(sessionId, key);
  for (const day of days) for (const type of types) if (existsSync(recordPath(logsDir, day, type, id))) return true;
  return false;
}


/** The records now written for the session's runs (by the hooks or by this import), read back. */
function recordsOf(session: SessionRead, logsDir: string): RecordFigures[] {
  return session.runs.flatMap((run) => {
    const record = writtenRecord(new SessionState(logsDir, run.sessionId), execKeyForToolUse(run.toolUseId));
    return record ? [record] : [];
  });
}
