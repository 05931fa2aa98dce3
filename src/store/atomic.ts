import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nanoid } from 'nanoid/non-secure';

/**
 * The one atomic write: a temp file in the same folder, then rename. A reader
 * sees the old file or the new one, never half of one; a process killed midway
 * leaves at most a `.tmp` file that readers ignore. `durable` adds an fsync
 * for files a command writes that must survive a power cut (rollups); `mode` keeps the
 * permissions of a file being replaced (a user's 0600 settings stay 0600).
 */
export function writeFileAtomic(path: string, data: string, options: { durable?: boolean; mode?: number } = {}): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${nanoid(8)}.tmp`);
  const fd = openCreating(dir, tmp, options.mode ?? 0o644);
  try {
    writeSync(fd, data);
    if (options.durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // The temp file is harmless; the rename error is what matters.
    }
    throw error;
  }
}

export function isTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/**
 * Open first, make the folder only when it is missing: most writes go to a
 * folder that exists. Retention removes empty record and day folders, so one
 * can also vanish between our mkdir and our open: make it again. Once the temp
 * file exists the folder is not empty and stays until the rename.
 */
function openCreating(dir: string, tmp: string, mode: number): number {
  for (let attempt = 0; ; attempt++) {
    try {
      return openSync(tmp, 'wx', mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 4) throw error;
    }
    mkdirSync(dir, { recursive: true });
  }
}
