import { join, sep } from 'node:path';
import { sha256Hex } from './hash.js';

// The one place that knows the on-disk layout:
//   <logs>/YYYY-MM-DD/<agent-dir>/exec-<id>.json   one record per execution
//   <logs>/YYYY-MM-DD/completions.jsonl            one line per finished execution
//   <logs>/YYYY-MM-DD/summary.json                 the day's rollup
//   <logs>/YYYY-MM-DD/.pruned                      retention deleted its records: the rollup is final
//   <logs>/metrics/                                reports (dated: weekly/YYYY-Www.json, monthly/YYYY-MM.json)
//   <logs>/sessions/<session>.json                 a session's main-thread figures (schema/session.ts)
//   <logs>/.state/                                 in-flight hook state
//   <logs>/.state/.export-cursor.json, .export.lock what `export` has delivered, and its lock
//   <logs>/.state/.statusline-cache.json          each day's spend as the statusline last read it (live/statusline-cache.ts)
//   <logs>/.state/.statusline-line.json           the statusline's last line per session, for its warm path (live/line-snapshot.ts)
//   <logs>/export.log                              export's log when run from cron or after a session
//   <logs>/hook-errors.log                         what the hook could not handle
//   <logs>/.prune.lock, prune.log                  retention's lock, and its log when run from cron

export const LOGS_SUBDIR = join('.claude', 'execution-logs');

/** The project a logs folder stands for in views across projects: the folder holding its .claude/, or the logs folder itself when it is elsewhere (one gathered from several projects). */
export function projectOfLogs(logsDir: string): string {
  const suffix = `${sep}${LOGS_SUBDIR}`;
  return logsDir.endsWith(suffix) ? logsDir.slice(0, -suffix.length) : logsDir;
}
export const STATE_DIR = '.state';
export const METRICS_DIR = 'metrics';
export const SESSIONS_DIR = 'sessions';
export const ERROR_LOG = 'hook-errors.log';
export const COMPLETIONS_FILE = 'completions.jsonl';
export const SUMMARY_FILE = 'summary.json';
/** The day rollup's workflow tallies, written with summary.json (see store/rollup.ts). */
export const WORKFLOWS_FILE = 'workflows.json';

/**
 * Written by retention before it deletes a day's records, once the rollup is
 * current: from then on the rollup is final, and a record arriving late cannot
 * make it be rebuilt from that record alone. A dot name, so no agent folder
 * (safeAgentDir strips leading dots) can ever be called that.
 */
export const PRUNED_MARKER = '.pruned';
export const PRUNE_LOCK = '.prune.lock';
export const PRUNE_LOG = 'prune.log';
/** In .state/, dot-named so the sweep and retention, which treat its folders as sessions, pass them by. */
export const EXPORT_CURSOR = '.export-cursor.json';
export const EXPORT_LOCK = '.export.lock';
export const STATUSLINE_CACHE = '.statusline-cache.json';
export const STATUSLINE_LINE = '.statusline-line.json';
export const EXPORT_LOG = 'export.log';
export const WEEKLY_REPORTS_DIR = 'weekly';
export const MONTHLY_REPORTS_DIR = 'monthly';

export const DAY_NAME = /^\d{4}-\d{2}-\d{2}$/;
export const RECORD_NAME = /^exec-[a-z0-9_-]+\.json$/;

/**
 * A path below a folder path that is already normal (path.join built it), by
 * names made by agent-track or read from a folder listing, each one component
 * and never '.' or '..': joined as they are. path.join normalizes the whole
 * path each time, and the ~70 calls of one PostToolUse (~60 for a week of the
 * statusline's fingerprints) made V8 optimize its normalizeString on a
 * background thread, about 2.5 ms of CPU per process.
 */
export function below(dir: string, ...names: string[]): string {
  return [dir, ...names].join(sep);
}

export function shortHash(text: string, length = 8): string {
  return sha256Hex(text).slice(0, length);
}

const SAFE_NAME = /^[A-Za-z0-9_-]{1,120}$/;

/** A session id or agent id as one folder or file name under .state (capture/state.ts): as it is when safe, else hashed. */
export function safeName(raw: string): string {
  return SAFE_NAME.test(raw) ? raw : `h${shortHash(raw, 24)}`;
}

const UNSAFE_CHARS = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const DAY_FOLDER_ENTRIES = new Set([COMPLETIONS_FILE, SUMMARY_FILE, WORKFLOWS_FILE]);
const MAX_DIR_BYTES = 80;

/**
 * A folder name for a free-text agent type that is valid on Linux, macOS and
 * Windows and cannot leave the day folder. It stays readable ("plugin:review"
 * -> "plugin_review-1a2b3c4d"); whenever the name had to change, a hash of the
 * exact type is appended so two different types never share a folder.
 */
export function safeAgentDir(agentType: string): string {
  let name = agentType
    .normalize('NFC')
    .replace(UNSAFE_CHARS, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[. ]+|[. ]+$/g, '');
  name = truncateUtf8(name, MAX_DIR_BYTES);
  if (!name) name = 'agent';
  if (WINDOWS_RESERVED.test(name) || DAY_FOLDER_ENTRIES.has(name.toLowerCase())) name = `_${name}`;
  return name === agentType ? name : `${name}-${shortHash(agentType)}`;
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out.replace(/[. ]+$/, '');
}

/** Execution ids are derived, not random: every hook process handling the same run agrees on it. */
export function executionId(sessionId: string, execKey: string): string {
  return sha256Hex(`${sessionId}\n${execKey}`).slice(0, 20);
}

export function dayDir(logsDir: string, day: string): string {
  return join(logsDir, day);
}

export function recordPath(logsDir: string, day: string, agentType: string, id: string): string {
  return join(logsDir, day, safeAgentDir(agentType), `exec-${id}.json`);
}

export function completionsPath(logsDir: string, day: string): string {
  return join(logsDir, day, COMPLETIONS_FILE);
}

export function summaryPath(logsDir: string, day: string): string {
  return join(logsDir, day, SUMMARY_FILE);
}

export function stateRoot(logsDir: string): string {
  return join(logsDir, STATE_DIR);
}

/** What `agent-track export` has delivered, per collector URL. */
export function exportCursorPath(logsDir: string): string {
  return join(logsDir, STATE_DIR, EXPORT_CURSOR);
}

export function exportLockPath(logsDir: string): string {
  return join(logsDir, STATE_DIR, EXPORT_LOCK);
}

/** The statusline's cache of each day's spend (see live/statusline-cache.ts). */
export function statuslineCachePath(logsDir: string): string {
  return join(logsDir, STATE_DIR, STATUSLINE_CACHE);
}

/** The statusline's last line per session (see live/line-snapshot.ts). */
export function statuslineLinePath(logsDir: string): string {
  return join(logsDir, STATE_DIR, STATUSLINE_LINE);
}

export function errorLogPath(logsDir: string): string {
  return join(logsDir, ERROR_LOG);
}

export function metricsDir(logsDir: string): string {
  return join(logsDir, METRICS_DIR);
}

/** The report of the 7 days ending today, kept current by every report run (the design document's file). */
export function weeklyReportFilePath(logsDir: string): string {
  return join(logsDir, METRICS_DIR, 'weekly-report.json');
}

/** The trends of the last 30 days, kept current by every report run (the design document's file). */
export function trendsFilePath(logsDir: string): string {
  return join(logsDir, METRICS_DIR, 'performance-trends.json');
}

/** Where `dashboard` writes its page unless told otherwise. */
export function dashboardPath(logsDir: string): string {
  return join(logsDir, METRICS_DIR, 'dashboard.html');
}

/** Where `dashboard --all-projects` writes its page unless told otherwise: beside the project's own. */
export function projectsDashboardPath(logsDir: string): string {
  return join(logsDir, METRICS_DIR, 'dashboard-all-projects.html');
}

/** The dated copy of an ISO week's report, "2026-W47". */
export function weeklyReportPath(logsDir: string, week: string): string {
  return join(logsDir, METRICS_DIR, WEEKLY_REPORTS_DIR, `${week}.json`);
}

/** The dated copy of a month's report, "2026-11". */
export function monthlyReportPath(logsDir: string, month: string): string {
  return join(logsDir, METRICS_DIR, MONTHLY_REPORTS_DIR, `${month}.json`);
}

/** A session's main-thread figures; `safeSessionName` is the session id made safe for a file name (capture/state's safeName). */
export function sessionFiguresPath(logsDir: string, safeSessionName: string): string {
  return join(logsDir, SESSIONS_DIR, `${safeSessionName}.json`);
}
