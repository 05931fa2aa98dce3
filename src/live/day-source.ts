import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { daySpendOf, isPricedLine, type DaySpend, type PricedLine } from '../analytics/day-spend.js';
import type { HealthRun } from '../analytics/status.js';
import { DaySpendFile } from '../schema/day-spend.js';
import { readCompletions } from '../store/completion-lines.js';
import { readdirOrEmpty, readJsonFile } from '../store/fs.js';
import { dayDir, PRUNED_MARKER, RECORD_NAME, safeAgentDir, summaryPath } from '../store/paths.js';
import { localDay } from '../time/period.js';
import { listRecordDirs, type IssueSink } from '../store/day-folders.js';

// A day's spend for the statusline and the SessionStart alert, from the
// cheapest source that gives the same figures as the records: the day's
// completions.jsonl (one small line per run, model and billed tokens
// included). The lines are trusted only for the record files that are there
// now, each with a current line naming its folder: a line whose record was
// removed (an orphan merged into its run, a run moved to the day before) is
// left out, and a record with no such line (written before lines carried
// tokens, or the hook killed between the two writes) sends the whole day to
// the records, through its rollup for a closed day. A day whose records
// retention deleted (or marked pruned) is its rollup, final: read here, only
// the figures the line needs, as the rollups' loader trusts it.

/** A rollup is tens of KB; over this it is left to the rollups' loader. */
const MAX_ROLLUP_BYTES = 16 * 1024 * 1024;

export interface DayRead {
  spend: DaySpend;
  /** The day's finished runs, for agent health (asked of today only; a closed day read through its rollup has none). */
  runs: () => HealthRun[];
}

/** The slower sources, kept apart so the statusline bundle loads them only when a day needs them. */
export interface RecordsFallback {
  /** A closed day through its rollup (written when missing or stale), today from its records. */
  readDay(logsDir: string, day: string, now: number, onIssue: IssueSink): DayRead;
}

export function readDaySpend(logsDir: string, day: string, now: number, onIssue: IssueSink, fallback: () => RecordsFallback): DayRead {
  return fromCompletions(logsDir, day, now) ?? fallback().readDay(logsDir, day, now, onIssue);
}

/** The day from its completion lines (or, pruned, its rollup); null when they cannot stand for its records. */
export function fromCompletions(logsDir: string, day: string, now: number): DayRead | null {
  const dir = dayDir(logsDir, day);
  const folders = new Map<string, Set<string>>();
  for (const folder of listRecordDirs(dir)) {
    // Names only (no file types): a run is counted by its record's name, and nothing is read through it.
    for (const name of readdirOrEmpty(join(dir, folder))) {
      if (!RECORD_NAME.test(name)) continue;
      const id = name.slice('exec-'.length, -'.json'.length);
      const seen = folders.get(id);
      if (seen) seen.add(folder);
      else folders.set(id, new Set([folder]));
    }
  }
  // Pruned by retention (no record left, or marked so a late record does not replace the rollup): its rollup is final.
  if (folders.size === 0 || existsSync(join(dir, PRUNED_MARKER))) {
    if (existsSync(summaryPath(logsDir, day))) return fromPrunedRollup(logsDir, day, now);
    if (folders.size === 0) return { spend: daySpendOf(day, []), runs: () => [] };
  }
  const latest = readCompletions(logsDir, day);
  if (!latest) return null;
  const lines: PricedLine[] = [];
  for (const [id, inFolders] of folders) {
    const line = latest.get(id);
    if (!line || !isPricedLine(line)) return null;
    if (!inFolders.has(folderOf(line.agentType))) return null;
    lines.push(line);
  }
  return { spend: daySpendOf(day, lines), runs: () => lines.map(healthRunOf) };
}

/** A pruned day's spend from its summary.json; null when it is not a readable rollup (the rollups' loader then decides). */
function fromPrunedRollup(logsDir: string, day: string, now: number): DayRead | null {
  // Today is always read from its records, as the rollups' loader does.
  if (day >= localDay(now)) return null;
  const json = readJsonFile(summaryPath(logsDir, day), MAX_ROLLUP_BYTES);
  // Validated in place, as the rollups' loader does: the figures are used as read.
  if (!z.validate(DaySpendFile, json) || (json as DaySpend).day !== day) return null;
  return { spend: json as DaySpend, runs: () => [] };
}

// An agent type that is not a safe folder name is hashed into one (sha256 in
// pure JS, slow while cold): once per type and process, not per run and day.
const folderNames = new Map<string, string>();
function folderOf(agentType: string): string {
  let folder = folderNames.get(agentType);
  if (folder === undefined) folderNames.set(agentType, (folder = safeAgentDir(agentType)));
  return folder;
}

function healthRunOf(line: PricedLine): HealthRun {
  return {
    id: line.executionId,
    agentType: line.agentType,
    metrics: { startTime: Date.parse(line.startTime), endTime: Date.parse(line.timestamp), duration: line.duration },
    result: { status: line.status },
  };
}
