import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as z from 'zod/mini';
import { emptyDaySummary, summarizeDay, type SkippedFile } from '../analytics/day-summary.js';
import { memo } from '../schema/memo.js';
import {
  DaySummaryFile,
  DayWorkflowsFile,
  type DayFigures,
  type DaySummary,
  type DayWorkflows,
  type Fingerprint,
} from '../schema/summary.js';
import { writeFileAtomic } from '../store/atomic.js';
import { COMPLETIONS_FILE, dayDir, PRUNED_MARKER, summaryPath, WORKFLOWS_FILE } from '../store/paths.js';
import { localDay } from '../time/period.js';
import { hasRecordFiles, listRecordDirs, readDayFacts, SETTLE_MS, type IssueSink } from '../store/records.js';

// Day rollups: the summary of a closed day, so reports over weeks, months and
// years read a couple of small files per day instead of every record. One
// build writes two files:
//   <logs>/YYYY-MM-DD/workflows.json  workflow tallies (only reports over a period read them)
//   <logs>/YYYY-MM-DD/summary.json    per-agent figures (what trends, baselines and retention read)
// summary.json is written last and is the commit point; workflows.json counts
// only when it comes from the same inputs (same fingerprint). They are apart
// because a year of trends would otherwise parse twice the bytes, most of them
// workflow tallies it never uses.
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
// Retention. Once a day's raw records are deleted, its rollup files are kept
// and trusted as they are: a day folder with a summary and no record files is
// "pruned", not stale, and is never rebuilt (there is nothing to rebuild it
// from). A retention job loads the day (loadDay with its workflows),
// checks daySummaryState(logsDir, day) === 'current', and only then deletes
// the day's record folders (whole folders; completions.jsonl may go too),
// keeping summary.json and workflows.json. A record can still reach a
// pruned day later (a late event corrects a run that started that day), so
// retention first writes a PRUNED_MARKER: with it the rollup is final, and
// the late record alone never replaces it (retention deletes it in turn).

/** Bump when the summary builder changes: older rollups are then rebuilt from their records. */
export const SUMMARY_BUILDER = 2;

export type DaySummaryState = 'current' | 'stale' | 'missing';

interface Inputs {
  fingerprint: Fingerprint;
  recordDirs: string[];
  /** Newest modification time among the inputs (ms). */
  newest: number;
}

export interface LoadedDay {
  figures: DayFigures;
  /** Given when asked for or when the day was rebuilt anyway; null when not asked for or (on a pruned day) not available. */
  workflows: DayWorkflows | null;
  /** Built from the records in this call. */
  rebuilt: boolean;
}

const summarySchema = memo(() => z.compile(DaySummaryFile));
const workflowsSchema = memo(() => z.compile(DayWorkflowsFile));

/** Whether the day's rollup can be trusted as it is, without reading a record. */
export function daySummaryState(logsDir: string, day: string): DaySummaryState {
  const file = readSummaryFile(logsDir, day, () => {});
  if (!file) return 'missing';
  const inputs = takeInputs(logsDir, day);
  if (!inputs) return 'current';
  if (isCurrent(file, inputs) && readWorkflowsFile(logsDir, day, file, () => {})) return 'current';
  return isPruned(inputs, logsDir, day) ? 'current' : 'stale';
}

export interface DayLoad {
  now: number;
  onIssue: IssueSink;
  /** Also the day's workflow tallies (only reports over a period read them); a day rebuilt from its records has them anyway. */
  workflows?: boolean;
  /**
   * Where from. By default a closed day through its rollup when that can be
   * used as it is, else (and today, or later, always) from its records.
   * 'rollup': only through the rollup, null when the records would have to be read.
   * 'records': from the records even when the rollup is current.
   */
  from?: 'rollup' | 'records';
  /** Write a closed day's rollup once its records are settled (the default); false: written nowhere. */
  save?: boolean;
}

/**
 * The one entry point to a day's summary. Files that were skipped are
 * reported through `onIssue` whichever way the day was read.
 */
export function loadDay(logsDir: string, day: string, load: DayLoad & { from: 'rollup' }): LoadedDay | null;
export function loadDay(logsDir: string, day: string, load: DayLoad): LoadedDay;
export function loadDay(logsDir: string, day: string, load: DayLoad): LoadedDay | null {
  const workflows = load.workflows ?? false;
  if (load.from === 'records') return rebuildDay(logsDir, day, load.now, load.onIssue, { workflows, save: load.save ?? true });
  const peeked = peekDay(logsDir, day, load.now, load.onIssue, workflows);
  if (peeked || load.from === 'rollup') return peeked;
  return rebuildDay(logsDir, day, load.now, load.onIssue, { workflows, save: load.save ?? true });
}

/** A day's figures and workflows as one summary (no workflows when they were not loaded). */
export function wholeSummary(figures: DayFigures, workflows: DayWorkflows | null): DaySummary {
  return { ...figures, ...(workflows ?? { workflows: {}, openPrompts: [] }) };
}

/**
 * The day from its rollup when that can be used as it is; null when the day
 * has to be read from its records (today, or a stale or missing rollup).
 */
function peekDay(logsDir: string, day: string, now: number, onIssue: IssueSink, withWorkflows: boolean): LoadedDay | null {
  if (day >= localDay(now)) return null;
  const file = readSummaryFile(logsDir, day, onIssue);
  const inputs = takeInputs(logsDir, day);
  if (!file) return inputs ? null : split(emptyDaySummary(day), withWorkflows, false);
  if (inputs && !isCurrent(file, inputs) && !isPruned(inputs, logsDir, day)) return null;
  const figures = contentOf(file);
  if (!withWorkflows) {
    replaySkipped(logsDir, day, file, onIssue);
    return { figures, workflows: null, rebuilt: false };
  }
  const workflows = readWorkflowsFile(logsDir, day, file, onIssue);
  if (!workflows && inputs && !isPruned(inputs, logsDir, day)) return null;
  replaySkipped(logsDir, day, file, onIssue);
  if (!workflows) onIssue({ path: join(dayDir(logsDir, day), WORKFLOWS_FILE), problem: 'missing and its records are gone: the workflows of this day are left out' });
  return { figures, workflows, rebuilt: false };
}

/** The day read from its records; a closed day's rollup is written (unless `save` is false) when its records are settled. */
function rebuildDay(logsDir: string, day: string, now: number, onIssue: IssueSink, options: { workflows: boolean; save: boolean }): LoadedDay {
  const open = day >= localDay(now);
  const inputs = open || !options.save ? null : takeInputs(logsDir, day);
  const summary = summarizeRecords(logsDir, day, onIssue);
  if (inputs) {
    const after = takeInputs(logsDir, day);
    if (after !== null && sameFingerprint(inputs.fingerprint, after.fingerprint) && inputs.newest <= now - SETTLE_MS) {
      write(logsDir, day, summary, { builder: SUMMARY_BUILDER, builtAt: now, fingerprint: inputs.fingerprint }, onIssue);
    }
  }
  return split(summary, options.workflows, true);
}

/** The day's summary straight from its records, written nowhere. */
function summarizeRecords(logsDir: string, day: string, onIssue: IssueSink): DaySummary {
  const skipped: SkippedFile[] = [];
  const dir = dayDir(logsDir, day);
  const records = readDayFacts(logsDir, day, (issue) => {
    skipped.push({ path: relative(dir, issue.path), problem: issue.problem });
    onIssue(issue);
  });
  return summarizeDay(day, records, skipped);
}

function split(summary: DaySummary, withWorkflows: boolean, rebuilt: boolean): LoadedDay {
  const { workflows, openPrompts, ...figures } = summary;
  return { figures, workflows: withWorkflows || rebuilt ? { workflows, openPrompts } : null, rebuilt };
}

/** The two files a build writes, as text. */
function rollupTexts(day: string, summary: DaySummary, source: DaySummaryFile['source']): { workflows: string; summary: string } {
  const { workflows, openPrompts, ...figures } = summary;
  return { workflows: JSON.stringify({ schemaVersion: 1, day, workflows, openPrompts, source }), summary: JSON.stringify({ ...figures, source }) };
}

/**
 * The sizes in bytes of workflows.json and summary.json as a build now would
 * write them, written nowhere: what a dry run of retention counts for a day
 * whose rollup the real run builds first. Null when the day has no folder.
 */
export function rollupSizes(logsDir: string, day: string, now: number): { workflows: number; summary: number } | null {
  const inputs = takeInputs(logsDir, day);
  if (!inputs) return null;
  const texts = rollupTexts(day, summarizeRecords(logsDir, day, () => {}), { builder: SUMMARY_BUILDER, builtAt: now, fingerprint: inputs.fingerprint });
  return { workflows: Buffer.byteLength(texts.workflows), summary: Buffer.byteLength(texts.summary) };
}

function write(logsDir: string, day: string, summary: DaySummary, source: DaySummaryFile['source'], onIssue: IssueSink): void {
  const texts = rollupTexts(day, summary, source);
  try {
    // workflows.json first: summary.json is the commit point that says the build is complete.
    writeFileAtomic(join(dayDir(logsDir, day), WORKFLOWS_FILE), texts.workflows, { durable: true, within: logsDir });
    writeFileAtomic(summaryPath(logsDir, day), texts.summary, { durable: true, within: logsDir });
  } catch (error) {
    // A read-only store still gets correct reports, rebuilt from the records each time.
    onIssue({ path: summaryPath(logsDir, day), problem: `could not write the day's rollup (${(error as Error).message})` });
  }
}

/** Pruned: no record file left to rebuild from, or retention marked the rollup final; the rollup is the truth. */
function isPruned(inputs: Inputs, logsDir: string, day: string): boolean {
  if (inputs.recordDirs.length === 0 || existsSync(join(dayDir(logsDir, day), PRUNED_MARKER))) return true;
  return !hasRecordFiles(dayDir(logsDir, day), inputs.recordDirs);
}

function isCurrent(file: DaySummaryFile, inputs: Inputs): boolean {
  return file.source.builder === SUMMARY_BUILDER && sameFingerprint(file.source.fingerprint, inputs.fingerprint);
}

function readSummaryFile(logsDir: string, day: string, onIssue: IssueSink): DaySummaryFile | null {
  const parsed = readJson(summaryPath(logsDir, day), summarySchema(), onIssue);
  return parsed && parsed.day === day ? parsed : null;
}

/** workflows.json, when it comes from the same build inputs as summary.json. */
function readWorkflowsFile(logsDir: string, day: string, summary: DaySummaryFile, onIssue: IssueSink): DayWorkflows | null {
  const parsed = readJson(join(dayDir(logsDir, day), WORKFLOWS_FILE), workflowsSchema(), onIssue);
  if (!parsed || parsed.day !== day || parsed.source.builder !== summary.source.builder) return null;
  if (!sameFingerprint(parsed.source.fingerprint, summary.source.fingerprint)) return null;
  return { workflows: parsed.workflows, openPrompts: parsed.openPrompts };
}

function readJson<T>(path: string, schema: z.ZodMiniType<T>, onIssue: IssueSink): T | null {
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
    onIssue({ path, problem: 'not valid JSON; it is rebuilt from the records' });
    return null;
  }
  // Kept whole once read, so validating without building a copy saves a second copy of every rollup.
  if (z.validate(schema, json)) return json as T;
  onIssue({ path, problem: 'not a rollup of this version; it is rebuilt from the records' });
  return null;
}

function contentOf(file: DaySummaryFile): DayFigures {
  const { source: _source, ...figures } = file;
  return figures;
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
