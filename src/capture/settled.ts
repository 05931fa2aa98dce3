import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic.js';
import { readdirOrEmpty } from '../store/fs.js';
import { stateRoot } from '../store/paths.js';

// Every command sweeps the in-flight state, and a session's folder stays until
// retention collects it (a day after it went quiet, or never without prune).
// A session whose every run is recorded is therefore read once, not by every
// command: the sweep leaves .state/.settled/<session> holding the newest change
// time of the session's folders, and later sweeps skip the session while
// nothing in it is newer. A hook writes each event as a new file in its
// execution folder, or in a new folder, so any event moves a time past the mark.
// The mark lives outside the session folder: writing it there would move the
// very time it records.

const SETTLED_DIR = '.settled';
/** Only sessions quiet this long are marked: a transcript can still catch up with a record shortly after its run. */
export const SETTLED_AFTER_MS = 10 * 60_000;

/** The newest modification time (ns) of the session folder and its execution folders; null if it cannot be read. */
export function changeMark(logsDir: string, sessionDirName: string): bigint | null {
  const dir = join(stateRoot(logsDir), sessionDirName);
  try {
    let newest = statSync(dir, { bigint: true }).mtimeNs;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !entry.name.startsWith('x-')) continue;
      const mtime = statSync(join(dir, entry.name), { bigint: true }).mtimeNs;
      if (mtime > newest) newest = mtime;
    }
    return newest;
  } catch {
    return null;
  }
}

/** Whether the session was found settled with nothing changed since. */
export function isSettled(logsDir: string, sessionDirName: string, mark: bigint | null): boolean {
  if (mark === null) return false;
  try {
    return mark <= BigInt(readFileSync(markerPath(logsDir, sessionDirName), 'utf8').trim());
  } catch {
    return false;
  }
}

/**
 * Records a session as settled as of `mark`, taken before its runs were
 * checked: an event written since has a later time and undoes it.
 */
export function markSettled(logsDir: string, sessionDirName: string, mark: bigint, now: number): void {
  if (now - Number(mark / 1_000_000n) < SETTLED_AFTER_MS) return;
  const path = markerPath(logsDir, sessionDirName);
  try {
    writeFileAtomic(path, String(mark), { within: logsDir });
  } catch {
    // Only saves later reads: a read-only or full disk, or a linked .state, just means none are saved.
  }
}

/** Marks of sessions whose folder is gone (collected by retention). */
export function forgetSettled(logsDir: string, sessionDirNames: ReadonlySet<string>): void {
  const dir = join(stateRoot(logsDir), SETTLED_DIR);
  for (const name of readdirOrEmpty(dir)) {
    if (name.startsWith('.') || sessionDirNames.has(name)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Another sweep took it first.
    }
  }
}

function markerPath(logsDir: string, sessionDirName: string): string {
  return join(stateRoot(logsDir), SETTLED_DIR, sessionDirName);
}
