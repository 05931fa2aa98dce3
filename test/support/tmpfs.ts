import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A real small file system, for what only a real one does: return a short
// write, then ENOSPC, once it is full; refuse every write when mounted
// read-only. Needs root (mount); tests skip with this reason otherwise.

export interface Tmpfs {
  dir: string;
  /** Takes all free space but `pages` pages (4 KB each), with one filler file; returns it. */
  fillLeaving(pages: number): string;
  remountReadOnly(): void;
  unmount(): void;
}

/** Why a tmpfs cannot be mounted here, or null when it can. */
export const tmpfsUnavailable: string | null = (() => {
  if (process.platform !== 'linux') return 'tmpfs tests need Linux';
  if (process.getuid?.() !== 0) return 'tmpfs tests need root (mount -t tmpfs)';
  const probe = mkdtempSync(join(tmpdir(), 'agent-track-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `mounting a tmpfs is not permitted here (${(error as Error).message.split('\n')[0]})`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

export function mountTmpfs(sizeKb: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'agent-track-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'pipe' });
  let fillers = 0;
  return {
    dir,
    fillLeaving(pages) {
      const { bavail, bsize } = statfsSync(dir);
      const path = join(dir, `.filler-${fillers++}`);
      writeFileSync(path, Buffer.alloc(Math.max(0, bavail - pages) * bsize));
      return path;
    },
    remountReadOnly() {
      execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
    },
    unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
