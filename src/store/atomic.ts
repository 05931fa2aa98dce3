import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nanoid } from 'nanoid/non-secure';
import { withDirWithin } from './safe-path.js';

// The two ways anything is written: a whole file replaced atomically, or one
// whole line appended. Neither can leave half of what it wrote: a full disk
// (ENOSPC) makes write() return short and then fail, and Node's writeSync
// reports the short count without an error, so every byte is counted here.

export interface WriteOptions {
  /** fsync before the rename, for files a command writes that must survive a power cut (rollups, reports). */
  durable?: boolean;
  /** Permissions of a new file; a file being replaced keeps what it is given here (a user's 0600 settings stay 0600). */
  mode?: number;
  /**
   * The logs folder, when the file is under it: no folder between it and the
   * file may be a symbolic link (see safe-path.ts), and missing ones are made
   * one at a time. Without it (a path the user chose, settings.json) the
   * folders are taken as they are.
   */
  within?: string;
}

// O_NOFOLLOW: a link planted at the temp file's name is refused, not written through.
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
// O_NONBLOCK: opening a FIFO planted at the log's name fails at once (ENXIO) instead of waiting for a reader.
// O_RDWR: a partial line is read back before it is taken off (takeBack).
const APPEND_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The one atomic write: a temp file in the same folder, written in full, then
 * renamed over the file. A reader sees the old file or the new one, never half
 * of one; when anything fails (a full disk included) the temp file is removed,
 * the old file stays and the error is thrown, so no marker written after this
 * call can claim a file that is not whole. A process killed midway leaves at
 * most a `.tmp` file that readers ignore and retention removes.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const within = options.within;
  if (within === undefined) return writeIn(dirname(path), basename(path), bytes, options, false);
  // Retention removes empty folders: one can vanish between our open of it and
  // our create in it. Make it again; once the temp file exists the folder stays.
  for (let attempt = 0; ; attempt++) {
    try {
      return withDirWithin(within, dirname(path), (dir) => writeIn(dir, basename(path), bytes, options, true));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 4) throw error;
    }
  }
}

function writeIn(dir: string, name: string, bytes: Uint8Array, options: WriteOptions, dirIsMade: boolean): void {
  const tmp = join(dir, `.${name}.${nanoid(8)}.tmp`);
  const fd = dirIsMade ? openSync(tmp, CREATE_FLAGS, options.mode ?? 0o644) : openCreating(dir, tmp, options.mode ?? 0o644);
  try {
    try {
      writeAll(fd, bytes);
      if (options.durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, name));
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone, or the rename happened: the error is what matters.
    }
    throw error;
  }
}

/**
 * Appends one line (hook-errors.log, completions.jsonl) in one write() with
 * O_APPEND, so concurrent appenders never interleave. The file must be a
 * regular file reached without a link. A line the disk had room for only part
 * of is taken back off the end (when nothing was appended after it), so a
 * reader never meets half a line followed by someone else's.
 */
export function appendLine(path: string, line: string, options: Pick<WriteOptions, 'within'> = {}): void {
  const bytes = Buffer.from(line.endsWith('\n') ? line : `${line}\n`);
  if (options.within !== undefined) return withDirWithin(options.within, dirname(path), (dir) => appendIn(join(dir, basename(path)), bytes));
  try {
    appendIn(path, bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    appendIn(path, bytes);
  }
}

function appendIn(path: string, bytes: Buffer): void {
  const fd = openSync(path, APPEND_FLAGS, 0o644);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file; nothing appended`);
    const written = writeSync(fd, bytes, 0, bytes.length);
    if (written < bytes.length) {
      takeBack(fd, bytes.subarray(0, written));
      throw noSpace(path);
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes every byte or throws: a short write is followed by the write that says why (ENOSPC). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; ) {
    const n = writeSync(fd, bytes, offset, bytes.length - offset);
    if (n <= 0) throw noSpace(`fd ${fd}`);
    offset += n;
  }
}

/** Removes a partial line from the end of the file, only if the end is still exactly that partial line. */
function takeBack(fd: number, partial: Uint8Array): void {
  if (partial.length === 0) return;
  try {
    const size = fstatSync(fd).size;
    if (size < partial.length) return;
    const tail = Buffer.alloc(partial.length);
    readSync(fd, tail, 0, partial.length, size - partial.length);
    if (tail.equals(partial)) ftruncateSync(fd, size - partial.length);
  } catch {
    // Could not check: readers skip a line that is not JSON.
  }
}

function noSpace(what: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, write ${what}`), { code: 'ENOSPC', syscall: 'write' });
}

export function isTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/**
 * Open first, make the folder only when it is missing: most writes go to a
 * folder that exists (and may vanish meanwhile, see writeFileAtomic).
 */
function openCreating(dir: string, tmp: string, mode: number): number {
  for (let attempt = 0; ; attempt++) {
    try {
      return openSync(tmp, CREATE_FLAGS, mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 4) throw error;
    }
    mkdirSync(dir, { recursive: true });
  }
}
