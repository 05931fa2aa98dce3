import { join, sep } from 'node:path';
import { isTempFile, writeFileAtomic } from '../store/atomic.js';
import { COMPLETIONS_FILE, PRUNED_MARKER, RECORD_NAME, SUMMARY_FILE, WORKFLOWS_FILE } from '../store/paths.js';
import { daySummaryState, loadDay, rollupSizes } from '../rollup/day-rollup.js';
import { plural } from '../analytics/format.js';
import { isAbandonedTemp, listOrReport, notOursReason, type RunContext } from './context.js';
import { diskSpace, entriesOf, type Entry, errorText, isAside, removeEmptyDir, removeIfUnchanged, spaceFor } from './remove.js';

// One day folder at a time: first its raw records (the per-agent record
// folders and completions.jsonl), only once its rollup is current; later the
// whole folder, once its summary is past retention too.

/** What a day's raw records come to once checked: the files that may go. */
export interface RawRemoval {
  day: string;
  dir: string;
  /** Files listed before the rollup was found current: only these may be removed. */
  doomed: Entry[];
  /** Record folders; in a dry run, only those that would end up empty. */
  folders: string[];
  /** Dry run: the rollup is not current yet and would be brought up to date first. */
  summaryFirst: boolean;
}

/**
 * Deletes a day's raw records, keeping summary.json and workflows.json.
 * Order matters: the files are listed, the rollup is brought up to date and
 * found current (so every file listed is counted, or was replaced since and
 * is told apart by its inode), the day is marked pruned (its rollup is final
 * from then on), and only the listed files are removed, each only if it is
 * still the very file listed.
 */
export function pruneRawRecords(ctx: RunContext, day: string, running: number, folderGoes: boolean): void {
  const removal = prepareRawRemoval(ctx, day, running, folderGoes);
  if (removal) removeRaw(ctx, removal);
}

/**
 * Everything up to the first removal: list, bring the rollup up to date, mark
 * the day. Null when nothing may go. `folderGoes`: the whole folder goes next
 * (records arriving late need no word then, they go with it).
 */
export function prepareRawRemoval(ctx: RunContext, day: string, running: number, folderGoes = false): RawRemoval | null {
  const { root, ledger } = ctx;
  const dir = join(root, day);
  const entries = listOrReport(ctx, dir);
  if (!entries) return null;
  const recordDirs = entries.filter((e) => e.kind === 'dir' && !e.name.startsWith('.'));
  const completions = entries.find((e) => e.name === COMPLETIONS_FILE && e.kind === 'file');
  for (const entry of entries) {
    if (entry.kind === 'symlink' || (entry.name === COMPLETIONS_FILE && entry.kind !== 'file')) ledger.leaveAlone(entry.path, notOursReason(entry));
  }
  if (!recordDirs.length && !completions) return null;
  if (running > 0) {
    ledger.keep(dir, `raw records kept: ${plural(running, 'execution')} started that day ${running === 1 ? 'is' : 'are'} still running`);
    return null;
  }

  const doomed: Entry[] = [];
  const emptied: string[] = [];
  for (const recordDir of recordDirs) {
    const inner = listOrReport(ctx, recordDir.path);
    // The rollup silently skips a folder it cannot read: the day is not pruned until it can be.
    if (!inner) return null;
    let all = true;
    for (const entry of inner) {
      if (entry.kind === 'file' && (RECORD_NAME.test(entry.name) || isAside(entry.name) || isAbandonedTemp(entry, ctx.now))) {
        doomed.push(entry);
      } else {
        all = false;
        // A temp file still young is a write in progress: not ours to judge yet, and not odd.
        if (!(entry.kind === 'file' && isTempFile(entry.name))) ledger.leaveAlone(entry.path, notOursReason(entry));
      }
    }
    if (all) emptied.push(recordDir.path);
  }
  if (completions) doomed.push(completions);

  // Written after the day was pruned: its final rollup does not count them, so they stay until the folder goes.
  const marker = entries.find((e) => e.name === PRUNED_MARKER && e.kind === 'file');
  const late = marker ? doomed.filter((e) => !isAside(e.name) && e.stat.mtimeMs > marker.stat.mtimeMs) : [];
  if (late.length) {
    if (!folderGoes) ledger.keep(dir, `${lateText(late)} after the day was pruned: its summary does not count ${late.length === 1 ? 'it, so it stays' : 'them, so they stay'} until the day folder goes`);
    for (const entry of late) {
      doomed.splice(doomed.indexOf(entry), 1);
      const folder = emptied.indexOf(join(entry.path, '..'));
      if (folder >= 0) emptied.splice(folder, 1);
    }
  }
  if (!doomed.length) return null;
  const removal = { day, dir, doomed, summaryFirst: false };
  if (ctx.dryRun) return { ...removal, folders: emptied, summaryFirst: daySummaryState(root, day) !== 'current' };
  if (!(summaryIsCurrent(ctx, day) && markPruned(ctx, dir, entries))) return null;
  return { ...removal, folders: recordDirs.map((d) => d.path) };
}

/** Removes the listed files that are still as listed, then the record folders left empty. */
export function removeRaw(ctx: RunContext, removal: RawRemoval): void {
  const { ledger } = ctx;
  let files = 0;
  let bytes = 0;
  let changed = 0;
  for (const entry of removal.doomed) {
    if (ctx.dryRun) {
      ledger.wouldBeGone.add(entry.path);
      files++;
      bytes += diskSpace(entry);
      continue;
    }
    try {
      const outcome = removeIfUnchanged(entry, { appendOnly: entry.name === COMPLETIONS_FILE });
      if (outcome === 'removed') {
        files++;
        bytes += diskSpace(entry);
      } else if (outcome === 'changed') {
        changed++;
      }
    } catch (error) {
      ledger.fail(entry.path, errorText(error));
    }
  }
  for (const folder of removal.folders) {
    if (ctx.dryRun) {
      ledger.wouldBeGone.add(folder);
      continue;
    }
    try {
      removeEmptyDir(folder);
    } catch (error) {
      ledger.fail(folder, errorText(error));
    }
  }
  if (changed) {
    const them = changed === 1 ? 'it stays' : 'they stay';
    ledger.keep(removal.dir, `${plural(changed, 'file')} changed by a hook while pruning: written after the day's summary, ${them} until the day folder goes`);
  }
  if (files) ledger.remove('rawRecords', removal.dir, files, bytes, removal.summaryFirst ? 'its summary is brought up to date first' : null);
}

/**
 * Brings the day's rollup up to date. When it cannot be made current, the
 * records stay: a failure to write it is a failure, records still changing
 * are just kept for the next run.
 */
function summaryIsCurrent(ctx: RunContext, day: string): boolean {
  const dir = join(ctx.root, day);
  const rollupFiles = new Set([join(dir, SUMMARY_FILE), join(dir, WORKFLOWS_FILE)]);
  const problems: string[] = [];
  try {
    loadDay(ctx.root, day, {
      now: ctx.now,
      onIssue: (issue) => {
        if (rollupFiles.has(issue.path)) problems.push(issue.problem);
      },
      workflows: true,
    });
  } catch (error) {
    ctx.ledger.fail(dir, `raw records kept: the day's summary could not be built (${errorText(error)})`);
    return false;
  }
  if (daySummaryState(ctx.root, day) === 'current') return true;
  if (problems.length) ctx.ledger.fail(dir, `raw records kept: the day's summary could not be brought up to date (${problems.join('; ')})`);
  else ctx.ledger.keep(dir, 'raw records kept: written to moments ago, so the summary cannot count them all yet; a later run removes them');
  return false;
}

function markPruned(ctx: RunContext, dir: string, entries: Entry[]): boolean {
  if (entries.some((e) => e.name === PRUNED_MARKER && e.kind === 'file')) return true;
  try {
    writeFileAtomic(join(dir, PRUNED_MARKER), markerText(ctx.now), { within: ctx.root });
    return true;
  } catch (error) {
    ctx.ledger.fail(dir, `raw records kept: could not mark the day as pruned (${errorText(error)})`);
    return false;
  }
}

function markerText(now: number): string {
  return `${JSON.stringify({ prunedAt: new Date(now).toISOString() })}\n`;
}

/** The files a day folder holds once its raw records are gone. */
const ROLLUP_FILES = new Set([SUMMARY_FILE, WORKFLOWS_FILE, PRUNED_MARKER]);

/**
 * Removes a whole day folder whose summary is past retention, only when it
 * holds nothing but agent-track's own files. Records still in it are the ones
 * that arrived after the day was pruned (raw records are otherwise gone by
 * now): they go with the summary. Anything else keeps the folder. The summary
 * goes last, so a prune killed midway leaves a folder that still reads as a
 * pruned day.
 */
export function removeDayFolder(ctx: RunContext, day: string): void {
  const { ledger } = ctx;
  const dir = join(ctx.root, day);
  const entries = listOrReport(ctx, dir);
  if (!entries) return;
  const marked = entries.some((e) => e.name === PRUNED_MARKER && e.kind === 'file');
  const ours = (e: Entry) => e.kind === 'file' && (isAside(e.name) || isAbandonedTemp(e, ctx.now));
  const files: Entry[] = [];
  const folders: string[] = [];
  let blocked = false;
  for (const entry of entries) {
    if (ledger.wouldBeGone.has(entry.path)) continue;
    if (entry.kind === 'file' && (ROLLUP_FILES.has(entry.name) || (marked && entry.name === COMPLETIONS_FILE) || ours(entry))) {
      files.push(entry);
    } else if (entry.kind === 'dir' && !entry.name.startsWith('.')) {
      const inner = contentsOf(ctx, entry.path);
      if (inner && inner.every((e) => ours(e) || (marked && e.kind === 'file' && RECORD_NAME.test(e.name)))) {
        files.push(...inner);
        folders.push(entry.path);
      } else {
        blocked = true;
      }
    } else {
      blocked = true;
      if (entry.name !== COMPLETIONS_FILE) ledger.leaveAlone(entry.path, notOursReason(entry));
    }
  }
  if (blocked) {
    if (!ledger.kept.some((k) => k.path === day) && !ledger.failed.some((f) => f.path.startsWith(day))) {
      ledger.keep(dir, 'day folder kept: it still holds records or files agent-track did not write');
    }
    return;
  }
  // Records and logs first, the summary last.
  const rank = (e: Entry) => (e.name === SUMMARY_FILE ? 2 : ROLLUP_FILES.has(e.name) ? 1 : 0);
  files.sort((a, b) => rank(a) - rank(b));
  const lateRecords = files.filter((e) => RECORD_NAME.test(e.name)).length;
  const noSummaryYet = ctx.dryRun && !files.some((e) => e.name === SUMMARY_FILE);
  const detail = lateRecords
    ? `with ${plural(lateRecords, 'record')} that arrived after the day was pruned`
    : noSummaryYet
      ? 'its summary is built first, for the dated reports'
      : null;
  if (ctx.dryRun) {
    const written = writtenFirst(ctx, day, files);
    ledger.remove('daySummary', dir, files.length + written.files, files.reduce((sum, e) => sum + diskSpace(e), 0) + written.bytes, detail);
    return;
  }
  let removed = 0;
  let bytes = 0;
  for (const entry of files) {
    try {
      if (removeIfUnchanged(entry, { appendOnly: entry.name === COMPLETIONS_FILE }) === 'removed') {
        removed++;
        bytes += diskSpace(entry);
      }
    } catch (error) {
      ledger.fail(entry.path, errorText(error));
    }
  }
  try {
    for (const folder of folders) removeEmptyDir(folder);
    if (!removeEmptyDir(dir)) ledger.keep(dir, 'day folder kept: a file arrived in it while it was being removed');
  } catch (error) {
    ledger.fail(dir, errorText(error));
  }
  ledger.remove('daySummary', dir, removed, bytes, detail);
}

/**
 * Dry run: the files the raw step of a real run writes into the day before
 * its folder goes (the rollup it builds, the .pruned marker), which the
 * folder step then removes and counts.
 */
function writtenFirst(ctx: RunContext, day: string, files: Entry[]): { files: number; bytes: number } {
  const dir = join(ctx.root, day);
  const rawGoes = [...ctx.ledger.wouldBeGone].some((path) => path.startsWith(`${dir}${sep}`));
  if (!rawGoes) return { files: 0, bytes: 0 };
  let count = 0;
  let bytes = 0;
  if (!files.some((e) => e.name === SUMMARY_FILE)) {
    const sizes = rollupSizes(ctx.root, day, ctx.now);
    if (sizes) {
      count += 2;
      bytes += spaceFor(dir, sizes.summary) + spaceFor(dir, sizes.workflows);
    }
  }
  if (!files.some((e) => e.name === PRUNED_MARKER)) {
    count += 1;
    bytes += spaceFor(dir, Buffer.byteLength(markerText(ctx.now)));
  }
  return { files: count, bytes };
}

/** A record folder's entries not already gone (in a dry run), or null when it cannot be read. */
function contentsOf(ctx: RunContext, dir: string): Entry[] | null {
  try {
    return entriesOf(dir).filter((e) => !ctx.ledger.wouldBeGone.has(e.path));
  } catch (error) {
    ctx.ledger.fail(dir, errorText(error));
    return null;
  }
}

function lateText(late: Entry[]): string {
  const records = late.filter((e) => RECORD_NAME.test(e.name)).length;
  const log = late.some((e) => e.name === COMPLETIONS_FILE);
  return [records ? plural(records, 'record') : '', log ? 'completions' : ''].filter(Boolean).join(' and ') + ' written';
}
