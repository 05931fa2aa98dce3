import { appendFileSync, closeSync, constants, existsSync, fstatSync, linkSync, lstatSync, openSync, readdirSync, readSync, renameSync, rmdirSync, statfsSync, unlinkSync, type BigIntStats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nanoid } from 'nanoid/non-secure';

// The only ways retention touches the disk. Everything is looked at with
// lstat, so a symbolic link is seen as a link and never followed; a file is
// unlinked only when it is still the very file that was looked at (same
// inode, size and time), and a folder is only ever rmdir'ed, which fails
// unless it is empty. Hooks keep writing while retention runs: nothing here
// may remove what they wrote after it was looked at.

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface Entry {
  name: string;
  path: string;
  kind: EntryKind;
  stat: BigIntStats;
}

/** The entries of a folder, each by lstat. Throws when the folder cannot be read; an entry gone meanwhile is left out. */
export function entriesOf(dir: string): Entry[] {
  const entries: Entry[] = [];
  for (const name of readdirSync(dir).sort()) {
    const entry = entryAt(join(dir, name));
    if (entry) entries.push(entry);
  }
  return entries;
}

/** One path by lstat, or null when nothing is there. */
export function entryAt(path: string): Entry | null {
  let stat: BigIntStats;
  try {
    stat = lstatSync(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const kind: EntryKind = stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other';
  return { name: basename(path), path, kind, stat };
}

/** The disk space a file takes (its allocated blocks), which is what removing it frees. */
export function diskSpace(entry: Entry): number {
  const blocks = entry.stat.blocks as bigint | undefined;
  return typeof blocks === 'bigint' && blocks > 0n ? Number(blocks) * 512 : Number(entry.stat.size);
}

/** The disk space a file of `length` bytes would take in `dir`: whole blocks of its file system. */
export function spaceFor(dir: string, length: number): number {
  let block = 4096;
  try {
    block = statfsSync(dir).bsize || block;
  } catch {
    // No statfs here: the common block size.
  }
  return Math.ceil(length / block) * block;
}

export function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** Files retention moved aside to check before unlinking; a killed prune can leave one behind. */
export const ASIDE_PREFIX = '.prune-';

export function isAside(name: string): boolean {
  return name.startsWith(ASIDE_PREFIX);
}

export type RemoveOutcome = 'removed' | 'changed' | 'gone';

/**
 * Unlinks `entry.path` if it is still the file `entry` describes. The name is
 * first renamed aside (atomic; a final symlink is moved, not followed), then
 * what was moved is compared with what was looked at: if a writer replaced
 * the file in between, it is put back under its name, so no newer record is
 * ever lost to a check that came a moment too early. An append-only log that
 * grew meanwhile is put back too, or its new lines appended to the new one.
 */
export function removeIfUnchanged(entry: Entry, options: { appendOnly?: boolean } = {}): RemoveOutcome {
  const aside = join(dirname(entry.path), `${ASIDE_PREFIX}${nanoid(8)}-${entry.name}`);
  try {
    renameSync(entry.path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const moved = lstatSync(aside, { bigint: true });
  if (sameFile(moved, entry.stat)) {
    unlinkSync(aside);
    return 'removed';
  }
  putBack(aside, entry.path, options.appendOnly ? entry.stat.size : null);
  return 'changed';
}

function putBack(aside: string, path: string, appendedFrom: bigint | null): void {
  let restored = false;
  try {
    // link() never replaces an existing name: if the name was taken again, that newer file stands.
    linkSync(aside, path);
    restored = true;
  } catch (error) {
    // A file system without hard links: rename back, unless the name was taken meanwhile.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' && !entryAt(path)) {
      renameSync(aside, path);
      return;
    }
  }
  if (!restored && appendedFrom !== null) appendFileSync(path, readFrom(aside, Number(appendedFrom)));
  unlinkSync(aside);
}

function readFrom(path: string, offset: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (let position = offset; ; ) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, read)));
      position += read;
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** rmdir: true when the folder is gone, false when it was not empty (a hook wrote into it meanwhile, or it holds what is not ours). */
export function removeEmptyDir(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  }
}

/** Renames a folder aside in the same parent, for removal after a check; returns the new path. */
export function moveAside(path: string, prefix: string): string {
  const aside = join(dirname(path), `${prefix}${nanoid(8)}-${basename(path)}`);
  renameSync(path, aside);
  return aside;
}

/**
 * A folder held open while retention works in it. On Linux the paths handed
 * out go through /proc/self/fd/N, which always reaches the very folder that
 * was opened (O_NOFOLLOW: never a link), even if its name is swapped for a
 * link meanwhile: the openat() Node lacks. Elsewhere the plain path is used,
 * checked by lstat when held. Null when the folder is a link, gone, or no
 * longer the one `expected` describes.
 */
export interface HeldDir {
  /** Where to reach the folder's entries: join(held.path, name). */
  path: string;
  close(): void;
}

const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

export function holdDir(path: string, expected: BigIntStats): HeldDir | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR' || code === 'ENOENT') return null;
    throw error;
  }
  const stat = fstatSync(fd, { bigint: true });
  if (!stat.isDirectory() || stat.dev !== expected.dev || stat.ino !== expected.ino) {
    closeSync(fd);
    return null;
  }
  if (!PROC_FD) {
    closeSync(fd);
    return { path, close: () => {} };
  }
  return { path: `/proc/self/fd/${fd}`, close: () => closeSync(fd) };
}

/** An fs error as one line: "EACCES: permission denied (rename)", without the paths Node puts in its message. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as NodeJS.ErrnoException;
  return e.code && e.syscall ? `${e.message.split(`, ${e.syscall}`)[0]} (${e.syscall})` : e.message;
}
