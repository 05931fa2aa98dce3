import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { version as AGENT_TRACK_VERSION } from '../../package.json';
import { STATUSLINE_LINE_VERSION, StatuslineLineFile, type StatuslineLineEntry } from '../schema/statusline-line.js';
import { writeFileAtomic } from '../store/atomic.js';
import { listDays, SETTLE_MS } from '../store/day-folders.js';
import { readJsonFile } from '../store/fs.js';
import { safeName, stateRoot, statuslineLinePath } from '../store/paths.js';
import { withRunning } from '../render/statusline-running.js';
import { localDay } from '../time/period.js';
import { configFileFingerprint, dayFingerprint, sessionStateFingerprint } from './fingerprints.js';

// The statusline's warm path. A line depends only on the config file, the
// days it read, the session's in-flight state, agent-track itself, the local
// day and, for its running part, the clock: none of its other figures move
// with the clock within a day (budget states compare spend with limits; agent
// health reads today's finished runs, all inside its 7-day window). So the
// full statusline (statusline-main.ts) keeps the line it drew, its running
// part as the runs it shows (agent type, start, expected time), with the
// fingerprints of all it was drawn from, taken before each was read and
// settled (quiet for SETTLE_MS, as the day cache requires); the small
// warm-path bundle (statusline-fast.ts) prints it again while every
// fingerprint is unchanged, the running part drawn for its own clock by the
// same function (render/statusline-running.ts), without the price list,
// budgets, schemas of the config and records, or capture code. Anything
// else (a fingerprint changed, another day, a run closed but not recorded, a
// clock past a running run's in-flight timeout, no session id, a file not of
// this shape) goes to the full statusline, which draws the line afresh and
// keeps it. The SessionStart alert's message is kept beside it unless it
// holds a forecast, which moves with the clock.

/** Sessions kept: Claude Code sessions open at once on one project. The oldest drawn goes first. */
const KEEP_SESSIONS = 16;
/** Sixteen entries of a month's fingerprints are tens of KB: over this the file is not ours. */
const MAX_LINE_BYTES = 1024 * 1024;

/** The session's in-flight state folder (as capture/state.ts names it). */
export function sessionStateDir(logsDir: string, sessionId: string): string {
  return join(stateRoot(logsDir), safeName(sessionId));
}

function readLineFile(logsDir: string): StatuslineLineFile | null {
  const json = readJsonFile(statuslineLinePath(logsDir), MAX_LINE_BYTES, { noFollow: true });
  if (json === undefined) return null;
  const parsed = z.safeParse(StatuslineLineFile(), json);
  return parsed.success && parsed.data.agentTrack === AGENT_TRACK_VERSION ? parsed.data : null;
}

/**
 * The kept line of this session when everything it was drawn from is
 * unchanged and `now` is on its day, at or after it was drawn (and before
 * any run it saw starts or any running run reaches the in-flight timeout); else null.
 */
export function keptLine(logsDir: string, configPath: string, sessionId: string, now: number): StatuslineLineEntry | null {
  const entry = readLineFile(logsDir)?.sessions[safeName(sessionId)];
  if (!entry || !holds(entry, logsDir, configPath, now)) return null;
  return sessionStateFingerprint(sessionStateDir(logsDir, sessionId)).key === entry.session ? entry : null;
}

/** The kept line as printed at `now`: its running part drawn for that clock. */
export function keptLineAt(entry: StatuslineLineEntry, now: number): string {
  return withRunning(entry.running, entry.line, now);
}

/**
 * What the SessionStart alert prints ('' for nothing) from the newest kept
 * line whose inputs are unchanged, of any session: the alert reads no run in
 * flight (budgets and agent health only), and a session starting has no line
 * of its own yet. Null when there is none, or its message was not kept.
 */
export function keptAlert(logsDir: string, configPath: string, now: number): string | null {
  const file = readLineFile(logsDir);
  if (!file) return null;
  let newest: StatuslineLineEntry | undefined;
  for (const entry of Object.values(file.sessions)) if (entry.configPath === configPath && (newest === undefined || entry.at > newest.at)) newest = entry;
  return newest?.alerts !== undefined && holds(newest, logsDir, configPath, now) ? newest.alerts : null;
}

/** Whether the config file, the days read and the clock are as when the entry was drawn (the session's state is the caller's). */
function holds(entry: StatuslineLineEntry, logsDir: string, configPath: string, now: number): boolean {
  if (entry.configPath !== configPath || now < entry.at || (entry.until !== undefined && now >= entry.until) || localDay(now) !== entry.today) return false;
  if (configFileFingerprint(configPath)?.key !== entry.config) return false;
  // The same days as then (none added in the range, none removed), each unchanged.
  const days = listDays(logsDir).filter((day) => day >= entry.from && day <= entry.today);
  if (days.length !== Object.keys(entry.days).length) return false;
  // Newest first: today is the day most likely to have changed, and a miss hands over to the full statusline, which takes every fingerprint again.
  for (const day of days.reverse()) {
    const kept = entry.days[day];
    if (kept === undefined || dayFingerprint(logsDir, day)?.key !== kept) return false;
  }
  return true;
}

/** Keeps a drawn line for its session; never throws (the line is printed anyway). */
export function keepLine(logsDir: string, sessionId: string, entry: StatuslineLineEntry): void {
  try {
    // A project with a config and no logs folder yet: the statusline makes none.
    if (!existsSync(logsDir)) return;
    const name = safeName(sessionId);
    const file = readLineFile(logsDir);
    const previous = file?.sessions[name];
    if (previous && JSON.stringify({ ...previous, at: 0 }) === JSON.stringify({ ...entry, at: 0 }) && previous.at <= entry.at) return;
    const sessions = Object.entries({ ...file?.sessions, [name]: entry })
      .sort(([, a], [, b]) => b.at - a.at)
      .slice(0, KEEP_SESSIONS);
    const next: StatuslineLineFile = { version: STATUSLINE_LINE_VERSION, agentTrack: AGENT_TRACK_VERSION, sessions: Object.fromEntries(sessions) };
    writeFileAtomic(statuslineLinePath(logsDir), JSON.stringify(next), { within: logsDir });
  } catch {
    // A read-only store, a full disk or a planted link: the next statusline draws the line afresh.
  }
}

/** The session's state fingerprint when it has been quiet for the settle time (taken before its runs are listed); else null. */
export function settledSessionState(logsDir: string, sessionId: string, wallNow: number): string | null {
  const fingerprint = sessionStateFingerprint(sessionStateDir(logsDir, sessionId));
  return fingerprint.newest <= wallNow - SETTLE_MS ? fingerprint.key : null;
}
