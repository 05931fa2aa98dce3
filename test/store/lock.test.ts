import { DEAD_PID } from '../support/dead-pid.js';
import { existsSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';

// A second waiter that read the dead holder's lock a moment before the first
// one took it over: the interleaving is made exact by running the first
// waiter's takeover inside the second one's read of the lock file.
const interleave = vi.hoisted(() => ({ path: '', during: null as (() => void) | null }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((...args: Parameters<typeof actual.readFileSync>) => {
    const content = actual.readFileSync(...args);
    if (args[0] === interleave.path && interleave.during) {
      const during = interleave.during;
      interleave.during = null;
      during();
    }
    return content;
  }) as typeof actual.readFileSync;
  return { ...actual, readFileSync, default: { ...actual, readFileSync } };
});

const { LockTimeoutError, withLock } = await import('../../src/store/lock.js');

function deadPid(): number {
  return DEAD_PID;
}

describe('a lock left by a killed holder', () => {
  test('is taken over', () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'agent-track-lock-')), '.prune.lock');
    writeFileSync(lock, `${deadPid()} ${Date.now()} killed`);
    expect(withLock(lock, Date.now() + 1_000, () => readFileSync(lock, 'utf8'))).toMatch(new RegExp(`^${process.pid} `));
    expect(existsSync(lock)).toBe(false);
  });

  test('is taken over by one waiter only, when two judged it stale at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-track-lock-'));
    const lock = join(dir, '.prune.lock');
    writeFileSync(lock, `${deadPid()} ${Date.now()} killed`);
    const first = `${process.pid} ${Date.now()} first-waiter`;
    // The first waiter breaks the dead lock and takes it, between the second waiter's read and what it does next.
    interleave.path = lock;
    interleave.during = () => {
      unlinkSync(lock);
      const fd = openSync(lock, 'wx');
      writeSync(fd, first);
      closeSync(fd);
    };
    let ran = false;
    expect(() =>
      withLock(lock, Date.now() + 300, () => {
        ran = true;
      }),
    ).toThrow(LockTimeoutError);
    expect(ran).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe(first);
    // Nothing left aside.
    expect(readdirSync(dir)).toEqual(['.prune.lock']);
  });
});
