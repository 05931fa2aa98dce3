import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, type Dirent } from 'node:fs';

/** A folder's entries, or none when it does not exist (yet, or any more): a missing folder is an ordinary state here. */
export function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function direntsOrEmpty(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

export type RegularFileRead =
  | { ok: true; bytes: Buffer; mtimeMs: number; mode: number }
  /** `missing`: nothing there (yet), an ordinary state; otherwise `problem` is worth reporting. */
  | { ok: false; missing: boolean; problem: string };

/**
 * A file's bytes, only when it is a regular file of at most `maxBytes`. Its
 * path may come from a hook payload, and the hook is synchronous, so no timer
 * can stop it: opening a FIFO blocks until a writer comes, /dev/zero never
 * ends, a huge file costs seconds. O_NONBLOCK makes the open return at once
 * whatever the path is; fstat then says what was opened (links followed).
 * `from`: start at this byte offset (the part of a growing file not read yet);
 * the cap applies to what is read. `noFollow`: a link at the path itself is
 * refused (ELOOP), for a file only agent-track writes.
 */
export function readRegularFile(path: string, maxBytes: number, from = 0, options: { noFollow?: boolean } = {}): RegularFileRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, missing: code === 'ENOENT' || code === 'ENOTDIR', problem: `cannot open ${path}: ${(error as Error).message}` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, missing: false, problem: `${path} is not a regular file; not read` };
    if (stat.size - from > maxBytes) return { ok: false, missing: false, problem: `${path} is ${stat.size - from} bytes, over the ${maxBytes} byte cap; not read` };
    // Up to EOF as it is during the read (a transcript may grow meanwhile), never past the cap.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(stat.size - from - total, 64 * 1024), maxBytes - total));
      const n = chunk.length ? readSync(fd, chunk, 0, chunk.length, from + total) : 0;
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), mtimeMs: stat.mtimeMs, mode: stat.mode & 0o777 };
  } catch (error) {
    return { ok: false, missing: false, problem: `cannot read ${path}: ${(error as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * The JSON in a regular file of at most `maxBytes` (see readRegularFile), for
 * the caller to validate; undefined when it is missing, not a regular file,
 * too big, unreadable or not JSON: caches and kept state are then rebuilt.
 */
export function readJsonFile(path: string, maxBytes: number, options: { noFollow?: boolean } = {}): unknown {
  const read = readRegularFile(path, maxBytes, 0, options);
  if (!read.ok) return undefined;
  try {
    return JSON.parse(read.bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
