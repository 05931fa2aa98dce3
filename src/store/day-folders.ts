import { direntsOrEmpty, readdirOrEmpty } from './fs.js';
import { DAY_NAME } from './paths.js';

// The day folders of a store and the record folders of a day, by name only
// (re-exported by records.ts, the one loader): the statusline lists them
// without loading the record schemas.

export interface LoadIssue {
  path: string;
  problem: string;
}

export type IssueSink = (issue: LoadIssue) => void;

/** A folder changed this recently may still change within the same clock tick: it is not trusted to be settled. */
export const SETTLE_MS = 2_000;

/** Date folders in the logs folder, oldest first. */
export function listDays(logsDir: string): string[] {
  return readdirOrEmpty(logsDir)
    .filter((name) => DAY_NAME.test(name))
    .sort();
}

/** Record folders of one day (one per agent type), by name. */
export function listRecordDirs(dayDir: string): string[] {
  return direntsOrEmpty(dayDir)
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}
