import { renameSync, unlinkSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { isLinkedOrphan } from '../capture/links.js';
import { SessionState } from '../capture/state.js';
import { STATE_DIR } from '../store/paths.js';
import { listOrReport, notOursReason, type RunContext } from './context.js';
import { diskSpace, entriesOf, type Entry, entryAt, errorText, holdDir, moveAside, removeEmptyDir, sameFile } from './remove.js';

// In-flight hook state of finished sessions (.state/<session>/). Every
// Claude Code session leaves a folder there, if only for its SessionEnd, so
// without this it grows forever. A session's state goes only when every
// execution in it has its record written from exactly the events stored
// (the marker agrees), none is being written (no lock), and nothing in it
// changed for the grace period: a late event for a session whose state is
// gone could no longer correct its record.

/** Folders of sessions being removed: renamed aside first, so a hook arriving meanwhile starts clean. */
const GC_PREFIX = '.gc-';

export function pruneSessionState(ctx: RunContext, graceMs: number): void {
  const { ledger } = ctx;
  const stateDir = join(ctx.root, STATE_DIR);
  const top = entryAt(stateDir);
  if (!top) return;
  if (top.kind !== 'dir') {
    ledger.leaveAlone(stateDir, notOursReason(top));
    return;
  }
  // Everything below happens through the folder held open, never by its name:
  // .state swapped for a link while this runs must not lead into the link's target.
  const held = holdDir(stateDir, top.stat);
  if (!held) {
    ledger.leaveAlone(stateDir, 'changed while pruning (a symbolic link now?): left alone, and what it points to too');
    return;
  }
  try {
    const sessions = listOrReport(ctx, held.path);
    if (!sessions) return;
    for (const session of sessions) {
      const shown = join(stateDir, session.name);
      if (session.kind !== 'dir') {
        if (session.kind === 'symlink') ledger.leaveAlone(shown, notOursReason(session));
        continue;
      }
      try {
        pruneSession(ctx, session, graceMs, shown);
      } catch (error) {
        ledger.fail(shown, errorText(error));
      }
    }
  } finally {
    held.close();
  }
}

/** `session.path` reaches it through the held .state folder; `shown` is its name in the logs folder, for the ledger. */
function pruneSession(ctx: RunContext, session: Entry, graceMs: number, shown: string): void {
  const leftover = session.name.startsWith(GC_PREFIX);
  if (!leftover) {
    const state = SessionState.fromDirName(ctx.root, session.name);
    // No readable event: being created right now, or not ours; either way not ours to judge.
    if (!state || !isFinished(state)) return;
  }
  const before = treeOf(session.path);
  const odd = before.find((e) => e.kind !== 'file' && e.kind !== 'dir');
  if (odd) {
    ctx.ledger.leaveAlone(join(shown, relative(session.path, odd.path)), notOursReason(odd));
    return;
  }
  const newest = Math.max(Number(session.stat.mtimeMs), ...before.map((e) => Number(e.stat.mtimeMs)));
  if (ctx.now - newest < graceMs) return;
  const files = before.filter((e) => e.kind === 'file');
  const bytes = files.reduce((sum, e) => sum + diskSpace(e), 0);
  if (ctx.dryRun) {
    ctx.ledger.remove('sessionState', shown, files.length, bytes);
    return;
  }
  // A leftover of a killed prune was already checked, and moved aside, by it.
  const aside = leftover ? session.path : moveAside(session.path, GC_PREFIX);
  if (!leftover && !sameTree(before, session.path, treeOf(aside), aside)) {
    // A hook wrote into it just now: put it back where the hook expects it.
    try {
      renameSync(aside, session.path);
      ctx.ledger.keep(shown, 'session state kept: a hook wrote to it while pruning');
    } catch (error) {
      ctx.ledger.fail(shown, `a hook wrote to this session's state while pruning, and it could not be put back from ${basename(aside)}: ${errorText(error)}`);
    }
    return;
  }
  // Renamed, not copied: the folder is still the inode looked at first.
  const removed = removeTree(ctx, aside, session.stat, join(dirname(shown), basename(aside)));
  ctx.ledger.remove('sessionState', shown, removed.files, removed.bytes);
}

/** Every execution written from exactly its stored events, and none being written now. */
export function isFinished(state: SessionState): boolean {
  for (const key of state.execKeys()) {
    // Events filed under an agent id before its Agent call was known belong to that call's record.
    if (isLinkedOrphan(state, key)) continue;
    const marker = state.readWritten(key);
    const names = state.eventNames(key);
    if (!marker || marker.events.length !== names.length || marker.events.some((name, i) => name !== names[i]!.name)) return false;
    if (entryAt(state.lockPath(key))) return false;
  }
  return true;
}

/** Every entry under a folder, by lstat, depth first; symbolic links are listed, never entered. */
function treeOf(dir: string): Entry[] {
  const out: Entry[] = [];
  for (const entry of entriesOf(dir)) {
    out.push(entry);
    if (entry.kind === 'dir') out.push(...treeOf(entry.path));
  }
  return out;
}

function sameTree(before: Entry[], beforeRoot: string, after: Entry[], afterRoot: string): boolean {
  if (before.length !== after.length) return false;
  const byPath = new Map(after.map((e) => [relative(afterRoot, e.path), e]));
  return before.every((e) => {
    const other = byPath.get(relative(beforeRoot, e.path));
    return other !== undefined && other.kind === e.kind && (e.kind !== 'file' || sameFile(e.stat, other.stat));
  });
}

/**
 * Unlinks files and rmdirs folders, deepest first; anything else stays, and so
 * do the folders holding it. Each folder is worked in held open (holdDir), so
 * one swapped for a link between its listing and its removal is never followed.
 * `stat`: the folder as it was looked at; `shown`: its path in the logs folder, for the ledger.
 */
function removeTree(ctx: RunContext, path: string, stat: BigIntStats, shown: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const held = holdDir(path, stat);
  if (!held) {
    ctx.ledger.leaveAlone(shown, 'changed while pruning (a symbolic link now?): left alone');
    return { files, bytes };
  }
  try {
    for (const entry of entriesOf(held.path)) {
      const entryShown = join(shown, entry.name);
      try {
        if (entry.kind === 'dir') {
          const inner = removeTree(ctx, entry.path, entry.stat, entryShown);
          files += inner.files;
          bytes += inner.bytes;
        } else if (entry.kind === 'file') {
          unlinkSync(entry.path);
          files++;
          bytes += diskSpace(entry);
        } else {
          ctx.ledger.leaveAlone(entryShown, notOursReason(entry));
        }
      } catch (error) {
        ctx.ledger.fail(entryShown, errorText(error));
      }
    }
  } finally {
    held.close();
  }
  removeEmptyDir(path);
  return { files, bytes };
}
