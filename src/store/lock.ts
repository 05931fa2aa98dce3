import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { nanoid } from 'nanoid/non-secure';

export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`timed out waiting for lock ${lockPath}`);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * An exclusive lock file (O_EXCL create). A holder that was killed leaves its
 * lock behind, so a lock whose process is gone, or that is older than
 * `staleMs`, is broken. Locks are held for milliseconds, so waiting is rare.
 */
export function withLock<T>(lockPath: string, deadline: number, fn: () => T, staleMs = 30_000): T {
  const token = `${process.pid} ${Date.now()} ${nanoid(8)}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, token);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (isStale(lockPath, staleMs)) {
      tryUnlink(lockPath);
      continue;
    }
    if (Date.now() >= deadline) throw new LockTimeoutError(lockPath);
    sleepSync(Math.min(2 + attempt * 2, 25));
  }
  try {
    return fn();
  } finally {
    try {
      if (readFileSync(lockPath, 'utf8') === token) unlinkSync(lockPath);
    } catch {
      // Already broken by another process as stale: nothing to release.
    }
  }
}

function isStale(lockPath: string, staleMs: number): boolean {
  try {
    const content = readFileSync(lockPath, 'utf8');
    const ageMs = Date.now() - statSync(lockPath).mtimeMs;
    // Empty: the holder died between creating and writing the file.
    if (!content) return ageMs > 2_000;
    const pid = Number(content.split(' ')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) return true;
    return ageMs > staleMs;
  } catch {
    return false; // Gone already: the next attempt takes it.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Someone else broke it first.
  }
}
