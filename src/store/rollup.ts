import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as z from 'zod/mini';
import { emptyDaySummary, summarizeDay, type SkippedFile } from '../analytics/day-summary.js';
import { memo } from '../schema/memo.js';
import { DaySummaryFile, type DaySummary, type Fingerprint } from '../schema/summary.js';
import { writeFileAtomic } from './atomic.js';
import { COMPLETIONS_FILE, dayDir, localDay, summaryPath } from './paths.js';
import { hasRecordFiles, listDays, listRecordDirs, readDayFacts, type IssueSink } from './records.js';

// Day rollups, `<logs>/YYYY-MM-DD/summary.json`: the summary of a closed day,
// so reports over weeks, months and years read one small file per day instead
// of every record.
//
// Freshness. A rollup stores a fingerprint of its inputs, taken BEFORE they
// were read: the modification time of every record folder (a record written,
// rewritten or removed renames or unlinks inside its folder, which moves the
// folder's time) and of completions.jsonl with its size. Checking it costs a
// directory listing and a few stats, never a record read. A rollup is
// rewritten only when its fingerprint no longer matches, and written only
// when the inputs were quiet for SETTLE_MS and did not change while they were
// read: file times are coarse, so a write landing in the same clock tick as
// the fingerprint could otherwise hide behind an unchanged time.
//
// Retention. Once a day's raw records are deleted, its summary.json is kept
// and trusted as it is: a day folder with a summary and no record files is
// "pruned", not stale, and is never rebuilt (there is nothing to rebuild it
// from). A retention job calls ensureDaySummary(logsDir, day, now, onIssue),
// checks daySummaryState(logsDir, day) === 'current', and only then deletes
// the day's record folders (whole folders; completions.jsonl may go too).

/** Bump when the summary builder changes: older rollups are then rebuilt from their records. */
export const SUMMARY_BUILDER = 1;
/** Inputs must have been quiet this long before a rollup of them is written. */
export const SETTLE_MS = 2_000;

export type DaySummaryState = 'current' | 'stale' | 'missing';

interface Inputs {
  fingerprint: Fingerprint;
  recordDirs: string[];
  /** Newest modification time among the inputs (ms). */
  newest: number;
}

const fileSchema = memo(() => z.compile(DaySummaryFile));

/** Whether the day's summary.json can be trusted as it is, without reading a record. */
export function daySummaryState(logsDir: string, day: string): DaySummaryState {
  const file = readSummaryFile(logsDir, day, () => {});
  if (!file) return 'missing';
  const inputs = takeInputs(logsDir, day);
  if (!inputs) return 'current';
  return isCurrent(file, inputs, logsDir, day) ? 'current' : 'stale';
}

/**
 * The day's summary: from summary.json when it is current, otherwise built
 * from the records and (when they are settled) written atomically. Files that
 * were skipped are reported through `onIssue` either way.
 */
export function ensureDaySummary(logsDir: string, day: string, now: number, onIssue: IssueSink): DaySummary {
  const file = readSummaryFile(logsDir, day, onIssue);
  const inputs = takeInputs(logsDir, day);
  if (file && (!inputs || isCurrent(file, inputs, logsDir, day))) {
    replaySkipped(logsDir, day, file, onIssue);
    return contentOf(file);
  }
  if (!inputs) return emptyDaySummary(day);
  const summary = summarizeRecords(logsDir, day, onIssue);
  const after = takeInputs(logsDir, day);
  const untouched = after !== null && sameFingerprint(inputs.fingerprint, after.fingerprint);
  if (untouched && inputs.newest <= now - SETTLE_MS) {
    const content: z.infer<typeof DaySummaryFile> = {
      ...summary,
      source: { builder: SUMMARY_BUILDER, builtAt: now, fingerprint: inputs.fingerprint },
    };
    writeFileAtomic(summaryPath(logsDir, day), JSON.stringify(content), { durable: true });
  }
  return summary;
}

/** The day's summary straight from its records, written nowhere: for today, which is still being written. */
export function summarizeRecords(logsDir: string, day: string, onIssue: IssueSink): DaySummary {
  const skipped: SkippedFile[] = [];
  const dir = dayDir(logsDir, day);
  const records = readDayFacts(logsDir, day, (issue) => {
    skipped.push({ path: relative(dir, issue.path), problem: issue.problem });
    onIssue(issue);
  });
  return summarizeDay(day, records, skipped);
}

/**
 * Summaries of the given days that have a folder: closed days through their
 * rollups, today (and any later day) from the raw records.
 */
export function loadDaySummaries(logsDir: string, days: readonly string[], now: number, onIssue: IssueSink): DaySummary[] {
  const wanted = new Set(days);
  return listDays(logsDir)
    .filter((day) => wanted.has(day))
    .map((day) => daySummaryFor(logsDir, day, now, onIssue));
}

/** One day's summary as reports use it: a closed day through its rollup, today raw. */
export function daySummaryFor(logsDir: string, day: string, now: number, onIssue: IssueSink): DaySummary {
  return day >= localDay(now) ? summarizeRecords(logsDir, day, onIssue) : ensureDaySummary(logsDir, day, now, onIssue);
}

function isCurrent(file: DaySummaryFile, inputs: Inputs, logsDir: string, day: string): boolean {
  if (inputs.recordDirs.length === 0) return true; // Pruned: nothing left to rebuild from.
  if (file.source.builder === SUMMARY_BUILDER && sameFingerprint(file.source.fingerprint, inputs.fingerprint)) return true;
  // Record folders emptied by retention but left in place: still pruned.
  return !hasRecordFiles(dayDir(logsDir, day), inputs.recordDirs);
}

function readSummaryFile(logsDir: string, day: string, onIssue: IssueSink): DaySummaryFile | null {
  const path = summaryPath(logsDir, day);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    onIssue({ path, problem: `not readable JSON (${(error as Error).message}); rebuilding it from the records` });
    return null;
  }
  const parsed = fileSchema().safeParse(json);
  if (parsed.success && parsed.data.day === day) return parsed.data;
  onIssue({ path, problem: 'not a day summary of this version; rebuilding it from the records' });
  return null;
}

function contentOf(file: DaySummaryFile): DaySummary {
  const { source: _source, ...summary } = file;
  return summary;
}

function replaySkipped(logsDir: string, day: string, file: DaySummaryFile, onIssue: IssueSink): void {
  const dir = dayDir(logsDir, day);
  for (const sample of file.skipped.samples) onIssue({ path: join(dir, sample.path), problem: sample.problem });
  const more = file.skipped.count - file.skipped.samples.length;
  if (more > 0) onIssue({ path: dir, problem: `${more} more files skipped when this day was summarised` });
}

/** The fingerprint of a day's inputs, or null when the day has no folder. */
function takeInputs(logsDir: string, day: string): Inputs | null {
  const dir = dayDir(logsDir, day);
  try {
    statSync(dir);
  } catch {
    return null;
  }
  const recordDirs = listRecordDirs(dir);
  const agentDirs: Record<string, string> = {};
  let newest = 0;
  for (const name of recordDirs) {
    try {
      const stat = statSync(join(dir, name), { bigint: true });
      agentDirs[name] = String(stat.mtimeNs);
      newest = Math.max(newest, Number(stat.mtimeMs));
    } catch {
      agentDirs[name] = 'gone';
    }
  }
  let completions: string | null = null;
  try {
    const stat = statSync(join(dir, COMPLETIONS_FILE), { bigint: true });
    completions = `${stat.mtimeNs}:${stat.size}`;
    newest = Math.max(newest, Number(stat.mtimeMs));
  } catch {
    // No completions yet.
  }
  return { fingerprint: { agentDirs, completions }, recordDirs, newest };
}

function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  if (a.completions !== b.completions) return false;
  const keys = Object.keys(a.agentDirs);
  if (keys.length !== Object.keys(b.agentDirs).length) return false;
  return keys.every((key) => a.agentDirs[key] === b.agentDirs[key]);
}
