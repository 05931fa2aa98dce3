import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

// A transcript is read as a stream, never whole: a session can grow to
// gigabytes. Most of its bytes are attachment and API-request lines that hold
// nothing import needs, so lines are not even split out one by one: each
// chunk is searched for a few byte strings (`needles`), and only the lines
// around a hit are handed on to be decoded and parsed.

const CHUNK_BYTES = 1024 * 1024;
/** A line longer than this is skipped unread (a pasted file or image): no Agent call or result is that big. */
export const LINE_MAX_BYTES = 32 * 1024 * 1024;
const NEWLINE = 0x0a;

export interface LineSearch {
  /** A line holding any of these is handed on. */
  needles: Buffer[];
  /** The last line holding each of these is handed on at the end (e.g. the last timestamp). */
  lastOf: Buffer[];
  /** Give up (a problem, nothing usable) once Date.now() passes this: a hook has a budget to keep. */
  deadline?: number;
}

export type LineKind = 'first' | 'match' | 'last-of' | 'tail';

export interface LineStream {
  bytes: number;
  /** Lines over LINE_MAX_BYTES, skipped. */
  oversized: number;
}

export type OpenProblem = { problem: string; missing: boolean };

/**
 * Hands on the file's first line, every line holding a needle (in order),
 * then the last line holding each `lastOf` needle (index given), and a last
 * line with no newline whatever it holds (a session still being written, or
 * cut by a crash): the caller's JSON.parse says which. Only regular files are
 * read (a FIFO would block).
 */
export function searchLines(
  path: string,
  search: LineSearch,
  onLine: (line: Buffer, kind: LineKind, lastOfIndex?: number) => void,
): LineStream | OpenProblem {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: `cannot open: ${code ?? (error as Error).message}`, missing: code === 'ENOENT' || code === 'ENOTDIR' };
  }
  const result: LineStream = { bytes: 0, oversized: 0 };
  const lastOf: (Buffer | null)[] = search.lastOf.map(() => null);
  try {
    if (!fstatSync(fd).isFile()) return { problem: 'not a regular file', missing: false };
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let kept = 0; // Bytes of an unfinished line carried to the front of the buffer.
    let first = true;
    let skipping = false; // Inside an oversized line: drop bytes up to its newline.
    for (;;) {
      if (kept === buffer.length) {
        // One line fills the buffer: grow it, up to the cap.
        if (buffer.length >= LINE_MAX_BYTES) {
          result.oversized++;
          skipping = true;
          kept = 0;
        } else {
          buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
        }
      }
      if (search.deadline !== undefined && Date.now() >= search.deadline) return { problem: 'not read to its end before the deadline', missing: false };
      const n = readSync(fd, buffer, kept, buffer.length - kept, null);
      if (n === 0) break;
      result.bytes += n;
      const filled = kept + n;
      let start = 0;
      if (skipping) {
        const end = buffer.indexOf(NEWLINE, 0);
        if (end < 0 || end >= filled) {
          kept = 0;
          continue;
        }
        skipping = false;
        start = end + 1;
      }
      const lastNewline = buffer.lastIndexOf(NEWLINE, filled - 1);
      if (lastNewline < start) {
        // No whole line yet.
        if (start > 0) buffer.copy(buffer, 0, start, filled);
        kept = filled - start;
        continue;
      }
      // Whole lines only: [start, lastNewline].
      const view = buffer.subarray(0, lastNewline + 1);
      if (first) {
        const end = view.indexOf(NEWLINE, start);
        onLine(view.subarray(start, end), 'first');
        first = false;
        start = end + 1;
      }
      matchLines(view, start, search.needles, (s, e) => onLine(view.subarray(s, e), 'match'));
      search.lastOf.forEach((needle, i) => {
        const at = view.lastIndexOf(needle);
        if (at >= start) lastOf[i] = Buffer.from(lineAround(view, at, start));
      });
      // The unfinished line goes to the front of the buffer for the next read.
      buffer.copy(buffer, 0, lastNewline + 1, filled);
      kept = filled - lastNewline - 1;
    }
    lastOf.forEach((line, i) => line && onLine(line, 'last-of', i));
    if (kept > 0 && !skipping) onLine(Buffer.from(buffer.subarray(0, kept)), first ? 'first' : 'tail');
    return result;
  } catch (error) {
    return { problem: `read failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, missing: false };
  } finally {
    closeSync(fd);
  }
}

/** Each line from `start` on that holds any needle, once, in order. `view` ends with a newline. */
function matchLines(view: Buffer, start: number, needles: Buffer[], onMatch: (start: number, end: number) => void): void {
  const next = needles.map((needle) => view.indexOf(needle, start));
  for (let pos = start; ; ) {
    let hit = -1;
    for (let i = 0; i < needles.length; i++) {
      if (next[i]! >= 0 && next[i]! < pos) next[i] = view.indexOf(needles[i]!, pos);
      if (next[i]! >= 0 && (hit < 0 || next[i]! < hit)) hit = next[i]!;
    }
    if (hit < 0) return;
    const lineStart = Math.max(start, view.lastIndexOf(NEWLINE, hit) + 1);
    const lineEnd = view.indexOf(NEWLINE, hit);
    onMatch(lineStart, lineEnd);
    pos = lineEnd + 1;
  }
}

function lineAround(view: Buffer, at: number, start: number): Buffer {
  const lineStart = Math.max(start, view.lastIndexOf(NEWLINE, at) + 1);
  return view.subarray(lineStart, view.indexOf(NEWLINE, at));
}

/** Needle helpers: byte searches, no decoding. */
export const needle = (text: string) => Buffer.from(text, 'utf8');
export const has = (line: Buffer, bytes: Buffer) => line.indexOf(bytes) >= 0;

/** The string value that follows `key` (a needle such as `"timestamp":"`), read without parsing the line. */
export function valueAfter(line: Buffer, key: Buffer, maxLength = 64): string | null {
  const at = line.indexOf(key);
  if (at < 0) return null;
  const from = at + key.length;
  const end = line.indexOf(0x22, from);
  if (end < 0 || end - from > maxLength) return null;
  return line.toString('utf8', from, end);
}
