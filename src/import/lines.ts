import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

// A transcript is read as a stream of lines, never whole: a session can grow
// to gigabytes. Most of its bytes are attachment and API-request lines that
// hold nothing import needs, so each line is first checked with cheap byte
// searches (`wanted`) and only the few that pass are decoded and parsed.

const CHUNK_BYTES = 1024 * 1024;
/** A line longer than this is skipped unread (a pasted file or image): no Agent call or result is that big. */
export const LINE_MAX_BYTES = 32 * 1024 * 1024;
const NEWLINE = 0x0a;

export type LineFilter = (line: Buffer) => boolean;

export interface LineStream {
  /** Bytes read. */
  bytes: number;
  /** Lines over LINE_MAX_BYTES, skipped. */
  oversized: number;
}

export type OpenProblem = { problem: string; missing: boolean };

/**
 * Calls `onLine` with each complete line that `wanted` accepts, and with a
 * last line that has no newline whatever it holds (a session still being
 * written, or cut by a crash): its JSON.parse says which. Only regular files
 * are read (a FIFO would block).
 */
export function forEachLine(path: string, wanted: LineFilter, onLine: (line: Buffer) => void): LineStream | OpenProblem {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: `cannot open: ${code ?? (error as Error).message}`, missing: code === 'ENOENT' || code === 'ENOTDIR' };
  }
  const result: LineStream = { bytes: 0, oversized: 0 };
  try {
    if (!fstatSync(fd).isFile()) return { problem: 'not a regular file', missing: false };
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry: Buffer | null = null;
    let skipping = false;
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      result.bytes += n;
      let start = 0;
      for (;;) {
        const end = chunk.indexOf(NEWLINE, start);
        if (end < 0 || end >= n) break;
        if (skipping) {
          skipping = false;
        } else if (carry) {
          const line: Buffer = Buffer.concat([carry, chunk.subarray(start, end)]);
          carry = null;
          if (line.length > LINE_MAX_BYTES) result.oversized++;
          else if (wanted(line)) onLine(line);
        } else {
          const line = chunk.subarray(start, end);
          if (wanted(line)) onLine(line);
        }
        start = end + 1;
      }
      if (start < n && !skipping) {
        // Copied: the chunk buffer is reused by the next read.
        const rest = Buffer.from(chunk.subarray(start, n));
        carry = carry ? Buffer.concat([carry, rest]) : rest;
        if (carry.length > LINE_MAX_BYTES) {
          result.oversized++;
          carry = null;
          skipping = true;
        }
      }
    }
    if (carry && carry.length) onLine(carry);
    return result;
  } catch (error) {
    return { problem: `read failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, missing: false };
  } finally {
    closeSync(fd);
  }
}

/** Needle helpers: Buffer.indexOf on bytes, no decoding. */
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
