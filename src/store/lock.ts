import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nanoid } from 'nanoid/non-secure';
import { withDirWithin } from './safe-path.js';

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
 * `staleMs`, is broken (see breakStaleLock). Locks are held for milliseconds,
 * so waiting is rare.
 */
export interface LockOptions {
  /** The logs folder the lock lives under: made and released through its folder held open (safe-path.ts), never through a link. */
  within?: string;
}

export function withLock<T>(lockPath: string, deadline: number, fn: () => T, staleMs = 30_000, options: LockOptions = {}): T {
  const token = acquireLock(lockPath, deadline, staleMs, options);
  try {
    return fn();
  } finally {
    releaseLock(lockPath, token, options);
  }
}

function inLockDir<R>(lockPath: string, options: LockOptions, act: (path: string) => R): R {
  return options.within === undefined ? act(lockPath) : withDirWithin(options.within, dirname(lockPath), (dir) => act(join(dir, basename(lockPath))));
}

/** The waiting half of withLock, for work that is asynchronous (an export awaiting its collector). Returns the token to release. */
export function acquireLock(lockPath: string, deadline: number, staleMs = 30_000, options: LockOptions = {}): string {
  const token = `${process.pid} ${Date.now()} ${nanoid(8)}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = inLockDir(lockPath, options, (path) => openSync(path, 'wx'));
      try {
        if (writeSync(fd, token) < Buffer.byteLength(token)) throw Object.assign(new Error(`ENOSPC: no space left on device, write ${lockPath}`), { code: 'ENOSPC', syscall: 'write' });
      } catch (error) {
        // A full disk: an empty lock would hold everyone off until judged stale; take it back.
        closeSync(fd);
        inLockDir(lockPath, options, tryUnlink);
        throw error;
      }
      closeSync(fd);
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stale = staleContent(lockPath, staleMs);
    if (stale !== null) {
      breakStaleLock(lockPath, stale);
      continue;
    }
    if (Date.now() >= deadline) throw new LockTimeoutError(lockPath);
    sleepSync(Math.min(2 + attempt * 2, 25));
  }
}

export function releaseLock(lockPath: string, token: string, options: LockOptions = {}): void {
  try {
    inLockDir(lockPath, options, (path) => {
      if (readFileSync(path, 'utf8') === token) unlinkSync(path);
    });
  } catch {
    // Already broken by another process as stale: nothing to release.
  }
}

/** The content of the lock when it is stale (its holder gone, or it is too old); null when it is held, or gone. */
function staleContent(lockPath: string, staleMs: number): string | null {
  try {
    const content = readFileSync(lockPath, 'utf8');
    const ageMs = Date.now() - statSync(lockPath).mtimeMs;
    // Empty: the holder died between creating and writing the file.
    if (!content) return ageMs > 2_000 ? content : null;
    const pid = Number(content.split(' ')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) return content;
    return ageMs > staleMs ? content : null;
  } catch {
    return null; // Gone already: the next attempt takes it.
  }
}

/**
 * Removes the lock only if it is still the stale one read. Two waiters can
 * judge the same dead lock stale; by the time the second acts, the first may
 * have replaced it with its own, which an unlink would delete (both would
 * then run). So the lock is renamed aside (atomic: only one waiter gets it)
 * and what was moved is checked: a lock someone has taken since is linked
 * back (link never replaces a name, so a lock taken in that instant stands).
 */
function breakStaleLock(lockPath: string, stale: string): void {
  const aside = `${lockPath}.stale-${nanoid(8)}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // Gone: another waiter broke it first.
  }
  let moved: string | null = null;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    // Unreadable once moved: treated as not the stale one, so it goes back.
  }
  if (moved !== stale) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // The name was taken meanwhile: that lock stands.
    }
  }
  tryUnlink(aside);
}

/** Whether a process with this pid exists (EPERM: one of another user has it). */
export function isAlive(pid: number): boolean {
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
