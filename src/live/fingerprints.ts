import { readdirSync, statSync } from 'node:fs';
import { listRecordDirs } from '../store/day-folders.js';
import { below, COMPLETIONS_FILE, dayDir } from '../store/paths.js';

// What the statusline's cached figures were read from, by folder and file
// times only: the day cache (statusline-cache.ts) and the cached line
// (line-snapshot.ts) are used only while these are unchanged. Shared by the
// full statusline bundle and its small warm-path bundle, so this module
// imports nothing heavy.

export interface Fingerprint {
  key: string;
  /** The newest modification time among the inputs (ms); Infinity when one vanished while being looked at. */
  newest: number;
}

/** What a day's figures are read from, by folder and file times only; null when the day has no folder. */
export function dayFingerprint(logsDir: string, day: string): Fingerprint | null {
  const dir = dayDir(logsDir, day);
  // Plain stats, not bigint ones (twice as slow, ~70 per week): mtimeMs as a
  // double keeps a fraction of a microsecond, finer than the clock that writes it.
  const dirStat = statSync(dir, { throwIfNoEntry: false });
  if (!dirStat) return null;
  const parts: (string | number)[] = [dirStat.ino, dirStat.mtimeMs];
  let newest = dirStat.mtimeMs;
  for (const name of listRecordDirs(dir)) {
    const stat = statSync(below(dir, name), { throwIfNoEntry: false });
    // Gone since the listing: being changed now, so not settled.
    if (!stat) return { key: 'changing', newest: Infinity };
    parts.push(name, stat.ino, stat.mtimeMs);
    newest = Math.max(newest, stat.mtimeMs);
  }
  const completions = statSync(below(dir, COMPLETIONS_FILE), { throwIfNoEntry: false });
  if (completions) {
    parts.push(COMPLETIONS_FILE, completions.ino, completions.mtimeMs, completions.size);
    newest = Math.max(newest, completions.mtimeMs);
  }
  // JSON: a folder name may hold any separator.
  return { key: JSON.stringify(parts), newest };
}

/**
 * The config file's identity, time and size (links followed, as loadConfig
 * reads it): 'none' with no file (the defaults); null when it cannot be
 * looked at (loadConfig reports why).
 */
export function configFileFingerprint(path: string): Fingerprint | null {
  let stat;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch {
    return null;
  }
  if (!stat) return { key: 'none', newest: 0 };
  return { key: JSON.stringify([stat.dev, stat.ino, stat.mtimeMs, stat.size]), newest: stat.mtimeMs };
}

/**
 * A session's in-flight state (<logs>/.state/<session>/) by the times of its
 * folders, nested ones included: a hook writes every event, marker and link
 * as a new file or by an atomic rename (never by appending), so anything a
 * hook writes moves one of these times. 'none' while the session has no folder.
 */
export function sessionStateFingerprint(sessionDir: string): Fingerprint {
  const parts: (string | number)[] = [];
  let newest = 0;
  const walk = (dir: string, rel: string): boolean => {
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (!stat) return rel === '';
    parts.push(rel, stat.ino, stat.mtimeMs);
    newest = Math.max(newest, stat.mtimeMs);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.isDirectory() && !walk(below(dir, entry.name), `${rel}/${entry.name}`)) return false;
    }
    return true;
  };
  if (!walk(sessionDir, '')) return { key: 'changing', newest: Infinity };
  return { key: parts.length ? JSON.stringify(parts) : 'none', newest };
}
