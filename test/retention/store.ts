import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { feedSessions, writeSessionFiles } from '../../src/demo/generate-io.js';
import { generateSessions, type SyntheticSession } from '../../src/demo/generate.js';
import { DEFAULT_CONFIG, type Config } from '../../src/schema/config.js';
import { localDay } from '../../src/time/period.js';
import { listDays } from '../../src/store/records.js';

// Realistic stores for retention tests: generated Claude Code sessions fed
// through the real ingest path, with file times moved back to when they would
// have been written (rollups are only written once their inputs are quiet,
// and session state is only collected once it has been quiet for a day).

export interface Store {
  root: string;
  projectDir: string;
  claudeHome: string;
  logsDir: string;
  sessions: SyntheticSession[];
}

export const DAY_MS = 86_400_000;

export function localMidnight(daysAgo: number): number {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo).getTime();
}

export function dayAgo(daysAgo: number): string {
  return localDay(localMidnight(daysAgo) + 12 * 3_600_000);
}

/** The most recent day from `fromDaysAgo` back to `toDaysAgo` that has record files (the generator leaves some days quiet). */
export function dayWithRecords(store: Store, fromDaysAgo: number, toDaysAgo: number): string {
  for (let n = fromDaysAgo; n <= toDaysAgo; n++) {
    if (recordFiles(store.logsDir, dayAgo(n)).length) return dayAgo(n);
  }
  throw new Error(`no records between ${fromDaysAgo} and ${toDaysAgo} days ago: generate more`);
}

export function emptyStore(): Store {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'agent-track-retention-')));
  const projectDir = join(root, 'project');
  const logsDir = join(projectDir, '.claude', 'execution-logs');
  mkdirSync(logsDir, { recursive: true });
  return { root, projectDir, claudeHome: join(root, 'claude'), logsDir, sessions: [] };
}

/** `days` days of activity ending today (today's runs may lie later today), fed through the real ingest. */
export function generatedStore(options: { days: number; promptsPerDay?: number; seed?: number; config?: Config; endDaysAgo?: number }): Store {
  const store = emptyStore();
  addSessions(store, options);
  return store;
}

export function addSessions(store: Store, options: { days: number; promptsPerDay?: number; seed?: number; config?: Config; endDaysAgo?: number }): SyntheticSession[] {
  const sessions = generateSessions({
    startDay: localMidnight((options.endDaysAgo ?? 0) + options.days - 1),
    days: options.days,
    promptsPerDay: options.promptsPerDay ?? 3,
    seed: options.seed ?? 7,
    projectDir: store.projectDir,
    claudeHome: store.claudeHome,
  });
  writeSessionFiles(store.claudeHome, sessions);
  feedSessions(store.logsDir, sessions, options.config ?? DEFAULT_CONFIG);
  store.sessions.push(...sessions);
  settle(store);
  return sessions;
}

/**
 * File times as if everything had been written when it happened: each day
 * folder's contents at that day's noon (today's an hour ago at most), each
 * session's state at its last event.
 */
export function settle(store: Store): void {
  const now = Date.now();
  for (const day of listDays(store.logsDir)) {
    const noon = new Date(`${day}T12:00:00`).getTime();
    touchTree(join(store.logsDir, day), Math.min(noon, now - 3_600_000));
  }
  const stateDir = join(store.logsDir, '.state');
  for (const session of safeReaddir(stateDir)) {
    const last = store.sessions.find((s) => s.sessionId === session)?.events.at(-1)?.at;
    touchTree(join(stateDir, session), Math.min(last ?? now, now - 3_600_000));
  }
}

/** Moves file times back; symbolic links (and what they point to) are not touched. */
export function touchTree(path: string, when: number): void {
  const seconds = when / 1000;
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) for (const name of readdirSync(path)) touchTree(join(path, name), when);
  utimesSync(path, seconds, seconds);
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Every path under a folder (symlinks not entered) with its kind, size, time and content hash: equal snapshots, nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    const stat = lstatSync(path, { bigint: true });
    const rel = relative(dir, path) || '.';
    if (stat.isSymbolicLink()) out[rel] = 'symlink';
    else if (stat.isDirectory()) {
      out[rel] = `dir`;
      for (const name of readdirSync(path)) walk(join(path, name));
    } else out[rel] = `${stat.size}:${stat.mtimeNs}:${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12)}`;
  };
  walk(dir);
  return out;
}

/** Record files of a day, relative to the day folder. */
export function recordFiles(logsDir: string, day: string): string[] {
  const dir = join(logsDir, day);
  return safeReaddir(dir)
    .filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory())
    .flatMap((agent) => safeReaddir(join(dir, agent)).filter((name) => /^exec-.*\.json$/.test(name)).map((name) => `${agent}/${name}`))
    .sort();
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
}
