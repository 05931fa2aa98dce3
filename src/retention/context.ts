import { isTempFile } from '../store/atomic.js';
import { entriesOf, errorText, type Entry } from './remove.js';
import type { Ledger } from './result.js';

/** What every retention step needs. */
export interface RunContext {
  /** The real path of the logs folder: nothing outside it is touched. */
  root: string;
  now: number;
  /** Local today: never removed, whatever the policy. */
  today: string;
  dryRun: boolean;
  ledger: Ledger;
}

/** Writers rename their temp files within milliseconds; one this old was left by a killed process. */
const ABANDONED_TEMP_MS = 3_600_000;

export function isAbandonedTemp(entry: Entry, now: number): boolean {
  return entry.kind === 'file' && isTempFile(entry.name) && now - Number(entry.stat.mtimeMs) > ABANDONED_TEMP_MS;
}

/** A folder's entries, or null (reported as failed) when it cannot be read. */
export function listOrReport(ctx: RunContext, dir: string): Entry[] | null {
  try {
    return entriesOf(dir);
  } catch (error) {
    ctx.ledger.fail(dir, errorText(error));
    return null;
  }
}

/** Why an entry retention found is not its to remove. */
export function notOursReason(entry: Entry): string {
  if (entry.kind === 'symlink') return 'a symbolic link: left alone, and what it points to too';
  if (entry.kind === 'dir') return 'a folder agent-track does not write here';
  return 'not a file agent-track writes';
}
