import { join } from 'node:path';
import { isTempFile, writeFileAtomic } from '../store/atomic.js';
import { COMPLETIONS_FILE, PRUNED_MARKER, RECORD_NAME, SUMMARY_FILE, WORKFLOWS_FILE } from '../store/paths.js';
import { daySummaryState, ensureDaySummary } from '../store/rollup.js';
import { isAbandonedTemp, listOrReport, notOursReason, plural, type RunContext } from './context.js';
import { diskSpace, entriesOf, type Entry, errorText, isAside, removeEmptyDir, removeIfUnchanged } from './remove.js';

// One day folder at a time: first its raw records (the per-agent record
// folders and completions.jsonl), only once its rollup is current; later the
// whole folder, once its summary is past retention too.

/**
 * Deletes a day's raw records, keeping summary.json and workflows.json.
 * Order matters: the files are listed, the rollup is brought up to date and
 * found current (so every file listed is counted, or was replaced since and
 * is told apart by its inode), the day is marked pruned (its rollup is final
 * from then on), and only the listed files are removed, each only if it is
 * still the very file listed.
 */
export function pruneRawRecords(ctx: RunContext, day: string, running: number): void {
  const { root, ledger } = ctx;
  const dir = join(root, day);
  const entries = listOrReport(ctx, dir);
  if (!entries) return;
  const recordDirs = entries.filter((e) => e.kind === 'dir' && !e.name.startsWith('.'));
  const completions = entries.find((e) => e.name === COMPLETIONS_FILE && e.kind === 'file');
  for (const entry of entries) {
    if (entry.kind === 'symlink' || (entry.name === COMPLETIONS_FILE && entry.kind !== 'file')) ledger.leaveAlone(entry.path, notOursReason(entry));
  }
  if (!recordDirs.length && !completions) return;
  if (running > 0) {
    ledger.keep(dir, `raw records kept: ${plural(running, 'execution')} started that day ${running === 1 ? 'is' : 'are'} still running`);
    return;
  }

  const doomed: Entry[] = [];
  const emptied: string[] = [];
  for (const recordDir of recordDirs) {
    const inner = listOrReport(ctx, recordDir.path);
    // The rollup silently skips a folder it cannot read: the day is not pruned until it can be.
    if (!inner) return;
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

  const summaryFirst = ctx.dryRun && daySummaryState(root, day) !== 'current';
  if (!ctx.dryRun && !(summaryIsCurrent(ctx, day) && markPruned(ctx, dir, entries))) return;

  const marker = entries.find((e) => e.name === PRUNED_MARKER && e.kind === 'file');
  const late = marker ? doomed.filter((e) => RECORD_NAME.test(e.name) && e.stat.mtimeMs > marker.stat.mtimeMs).length : 0;
  let files = 0;
  let bytes = 0;
  let changed = 0;
  for (const entry of doomed) {
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
  for (const path of ctx.dryRun ? emptied : recordDirs.map((d) => d.path)) {
    if (ctx.dryRun) {
      ledger.wouldBeGone.add(path);
      continue;
    }
    try {
      removeEmptyDir(path);
    } catch (error) {
      ledger.fail(path, errorText(error));
    }
  }
  if (changed) ledger.keep(dir, `${plural(changed, 'file')} changed by a hook while pruning kept; the next run removes ${changed === 1 ? 'it' : 'them'}`);
  if (files) {
    const detail = late
      ? `${plural(late, 'record')} arrived after the day was pruned and ${late === 1 ? 'is' : 'are'} not counted in its summary`
      : summaryFirst
        ? 'its summary is brought up to date first'
        : null;
    ledger.remove('rawRecords', dir, files, bytes, detail);
  }
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
    ensureDaySummary(ctx.root, day, ctx.now, (issue) => {
      if (rollupFiles.has(issue.path)) problems.push(issue.problem);
    });
  } catch (error) {
    ctx.ledger.fail(dir, `raw records kept: the day's summary could not be built (${errorText(error)})`);
    return false;
  }
  if (daySummaryState(ctx.root, day) === 'current') return true;
  if (problems.length) ctx.ledger.fail(dir, `raw records kept: the day's summary could not be brought up to date (${problems.join('; ')})`);
  else ctx.ledger.keep(dir, 'raw records kept: they changed while pruning, so the summary does not count them all yet; a later run removes them');
  return false;
}

function markPruned(ctx: RunContext, dir: string, entries: Entry[]): boolean {
  if (entries.some((e) => e.name === PRUNED_MARKER && e.kind === 'file')) return true;
  try {
    writeFileAtomic(join(dir, PRUNED_MARKER), `${JSON.stringify({ prunedAt: new Date(ctx.now).toISOString() })}\n`);
    return true;
  } catch (error) {
    ctx.ledger.fail(dir, `raw records kept: could not mark the day as pruned (${errorText(error)})`);
    return false;
  }
}

/** The files a day folder holds once its raw records are gone. */
const ROLLUP_FILES = new Set([SUMMARY_FILE, WORKFLOWS_FILE, PRUNED_MARKER]);

/**
 * Removes a whole day folder whose summary is past retention, only when it
 * holds nothing but agent-track's own files. The summary goes last: a prune
 * killed midway leaves a folder that still reads as a pruned day.
 */
export function removeDayFolder(ctx: RunContext, day: string): void {
  const { ledger } = ctx;
  const dir = join(ctx.root, day);
  const entries = listOrReport(ctx, dir);
  if (!entries) return;
  const files: Entry[] = [];
  const folders: string[] = [];
  let blocked = false;
  for (const entry of entries) {
    if (ledger.wouldBeGone.has(entry.path)) continue;
    if (entry.kind === 'file' && (ROLLUP_FILES.has(entry.name) || isAside(entry.name) || isAbandonedTemp(entry, ctx.now))) {
      files.push(entry);
    } else if (entry.kind === 'dir' && !entry.name.startsWith('.') && isEmpty(ctx, entry.path)) {
      folders.push(entry.path);
    } else {
      blocked = true;
      if (!(entry.kind === 'dir' && !entry.name.startsWith('.')) && entry.name !== COMPLETIONS_FILE) ledger.leaveAlone(entry.path, notOursReason(entry));
    }
  }
  if (blocked) {
    if (!ledger.kept.some((k) => k.path === day) && !ledger.failed.some((f) => f.path.startsWith(day))) {
      ledger.keep(dir, 'day folder kept: it still holds records or files agent-track did not write');
    }
    return;
  }
  files.sort((a, b) => Number(a.name === SUMMARY_FILE) - Number(b.name === SUMMARY_FILE));
  const bytes = files.reduce((sum, e) => sum + diskSpace(e), 0);
  if (ctx.dryRun) {
    ledger.remove('daySummary', dir, files.length, bytes);
    return;
  }
  let removed = 0;
  let removedBytes = 0;
  for (const entry of files) {
    try {
      if (removeIfUnchanged(entry) === 'removed') {
        removed++;
        removedBytes += diskSpace(entry);
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
  ledger.remove('daySummary', dir, removed, removedBytes);
}

function isEmpty(ctx: RunContext, dir: string): boolean {
  try {
    return entriesOf(dir).every((e) => ctx.ledger.wouldBeGone.has(e.path));
  } catch {
    return false;
  }
}
