import { mkdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
import { readdirOrEmpty, readRegularFile } from '../store/fs.js';
import type { StoredEvent } from './events.js';
import { findTaskNotification, type TaskNotification } from './notification.js';
import { scrubAndTruncate } from './scrub.js';
import { safeName, type SessionState } from './state.js';
import { TRANSCRIPT_MAX_BYTES } from './transcript.js';

// A background run's own figures (duration, tokens, status) arrive after its
// hooks: Claude Code writes a <task-notification> into the MAIN session
// transcript when the agent ends, and a run that fails on an API error gets no
// SubagentStop at all. So every launched run is listed here until its
// notification is seen:
//   .state/<session>/awaiting/<exec key>   {"toolUseId", "path", "from"}
// `from` is how far the main transcript has been searched (whole lines only).
// Whichever comes first, a later hook of the session or a command's sweep,
// looks at what the transcript gained since, stores the notification as a
// `notified` event of the run and rewrites its record. A look costs a stat
// per waiting run, and a read only of bytes not searched before.

interface Awaiting {
  execKey: string;
  toolUseId: string;
  path: string;
  from: number;
}

const TEXT_MAX = 2_000;

function awaitingDir(state: SessionState): string {
  return join(state.dir, 'awaiting');
}

/** List a launched run as waiting for its notification; the main transcript is searched from `from` on. */
export function awaitNotification(state: SessionState, entry: Awaiting): void {
  mkdirSync(awaitingDir(state), { recursive: true });
  writeFileAtomic(join(awaitingDir(state), safeName(entry.execKey)), JSON.stringify(entry));
}

function readAwaiting(path: string): Awaiting | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Awaiting>;
    if (typeof value.execKey !== 'string' || typeof value.toolUseId !== 'string' || typeof value.path !== 'string' || typeof value.from !== 'number') return null;
    // The key names a folder of ours: only the shape execKeyForToolUse makes.
    if (!/^t-[A-Za-z0-9_-]{1,120}$/.test(value.execKey)) return null;
    return { execKey: value.execKey, toolUseId: value.toolUseId, path: value.path, from: Math.max(0, value.from) };
  } catch {
    return null;
  }
}

/**
 * Search the main transcript for the notifications of the session's waiting
 * runs. Returns the execution keys that got one (their `notified` event is
 * written; the caller rewrites their records). `deadline`: stop looking then.
 * `giveUpBefore` (a sweep's): a run whose transcript was searched to its end
 * and not written since then waits no more (a killed session, a release
 * that does not notify, a nested run that notifies its parent instead).
 */
export function collectNotifications(state: SessionState, deadline: number, warn?: (message: string) => void, giveUpBefore?: number): string[] {
  const found: string[] = [];
  for (const name of readdirOrEmpty(awaitingDir(state))) {
    if (Date.now() >= deadline) break;
    const file = join(awaitingDir(state), name);
    const entry = readAwaiting(file);
    if (!entry) continue;
    let size: number;
    let mtimeMs: number;
    try {
      ({ size, mtimeMs } = statSync(entry.path));
    } catch {
      if (giveUpBefore !== undefined) removeQuietly(file); // Gone (or never there): nothing will come.
      continue;
    }
    if (size <= entry.from) {
      if (giveUpBefore !== undefined && mtimeMs < giveUpBefore) removeQuietly(file);
      continue;
    }
    const read = readRegularFile(entry.path, TRANSCRIPT_MAX_BYTES, entry.from);
    if (!read.ok) {
      if (!read.missing) warn?.(`main transcript skipped: ${read.problem}`);
      continue;
    }
    const hit = findTaskNotification(read.bytes, entry.toolUseId);
    if (!hit) {
      // Only whole lines count as searched: the last one may still be being written.
      const searched = read.bytes.lastIndexOf(0x0a) + 1;
      if (searched > 0) awaitNotification(state, { ...entry, from: entry.from + searched });
      continue;
    }
    state.writeEvent(entry.execKey, notifiedEvent(state.sessionId, entry.path, hit.notification, hit.at ?? Date.now()));
    // Another process may have seen it too: its event is a duplicate that assembly ignores.
    removeQuietly(file);
    found.push(entry.execKey);
  }
  return found;
}

/** Whether any run of the session still waits for its notification (the session is not settled then). */
export function anyAwaiting(state: SessionState): boolean {
  return readdirOrEmpty(awaitingDir(state)).length > 0;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** The stored event of a background run's notification: the hooks' and import's one way of closing such a run. */
export function notifiedEvent(sessionId: string, mainTranscript: string, notification: TaskNotification, at: number): StoredEvent {
  return {
    v: 1,
    kind: 'notified',
    at: Math.round(at),
    sessionId,
    promptId: null,
    toolUseId: notification.toolUseId,
    // The agent id comes from the run's own hooks: this text only confirms it.
    agentId: null,
    agentType: null,
    cwd: null,
    transcriptPath: mainTranscript,
    permissionMode: null,
    notification: {
      status: notification.status,
      summary: notification.summary === null ? null : scrubAndTruncate(notification.summary, TEXT_MAX),
      tokens: notification.tokens,
      toolUses: notification.toolUses,
      durationMs: notification.durationMs,
    },
  };
}
