import { readdirSync, type Dirent } from 'node:fs';

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
