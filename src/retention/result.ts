import { relative, sep } from 'node:path';

// What a prune did (or, in a dry run, would do): the data behind both the
// printed lines and --json. Paths are relative to the logs folder, with "/".

export type RemovedKind = 'rawRecords' | 'daySummary' | 'weeklyReport' | 'monthlyReport' | 'sessionState';

export const REMOVED_KINDS: readonly RemovedKind[] = ['rawRecords', 'daySummary', 'weeklyReport', 'monthlyReport', 'sessionState'];

export interface Removed {
  kind: RemovedKind;
  /** "2026-11-02" (a day's records or its folder), "metrics/weekly/2026-W40.json", ".state/<session>". */
  path: string;
  files: number;
  /** Disk space of those files (their allocated blocks). */
  bytes: number;
  /** Anything worth knowing about this removal, else null. */
  detail: string | null;
}

export interface InFlightToClose {
  executionId: string;
  agentType: string;
  /** ISO times. */
  startTime: string;
  lastActivity: string;
  reason: 'timeout' | 'session ended';
}

/** Something retention chose not to remove, and why. */
export interface Note {
  path: string;
  reason: string;
}

export interface Failure {
  path: string;
  error: string;
}

export interface PruneResult {
  /** The real path of the logs folder. */
  logsDir: string;
  dryRun: boolean;
  today: string;
  /** The retention in effect, e.g. { raw: "7d", ... }. */
  policy: { raw: string; dailySummaries: string; weeklyReports: string; monthlyReports: string };
  /** Per kind, the first day kept: what ends before it goes. */
  keepFrom: { raw: string; dailySummaries: string; weeklyReports: string; monthlyReports: string };
  /** In-flight executions closed as interrupted; in a dry run, how many would be. */
  inFlightClosed: number;
  /** The runs this prune found to close (past the timeout, or their session ended), found before closing them. */
  inFlightToClose: InFlightToClose[];
  /** Dated reports written so the figures of day folders removed here outlive them. */
  reportsWritten: string[];
  /** In a dry run: what would be removed. */
  removed: Removed[];
  /** Due for removal but kept for safety (records still changing, a run still going, records its summary never counted). */
  kept: Note[];
  /** Not agent-track's to remove: symbolic links, unknown files, odd names. */
  leftAlone: Note[];
  /** Removals that failed (permissions, I/O). Any makes the exit code 1. */
  failed: Failure[];
  totals: { files: number; bytes: number };
}

/** Collects a run's outcome as it happens. */
export class Ledger {
  readonly removed: Removed[] = [];
  readonly kept: Note[] = [];
  readonly leftAlone: Note[] = [];
  readonly failed: Failure[] = [];
  readonly reportsWritten: string[] = [];
  /** In a dry run, what earlier steps would have removed, so later steps see it gone. */
  readonly wouldBeGone = new Set<string>();

  constructor(readonly root: string) {}

  rel(path: string): string {
    return relative(this.root, path).split(sep).join('/');
  }

  remove(kind: RemovedKind, path: string, files: number, bytes: number, detail: string | null = null): void {
    this.removed.push({ kind, path: this.rel(path), files, bytes, detail });
  }

  keep(path: string, reason: string): void {
    this.kept.push({ path: this.rel(path), reason });
  }

  leaveAlone(path: string, reason: string): void {
    const rel = this.rel(path);
    // Two steps may come across the same entry: say it once.
    if (!this.leftAlone.some((note) => note.path === rel)) this.leftAlone.push({ path: rel, reason });
  }

  fail(path: string, error: string): void {
    const rel = this.rel(path);
    // Two steps may fail on the same entry the same way: say it once.
    if (!this.failed.some((f) => f.path === rel && f.error === error)) this.failed.push({ path: rel, error });
  }

  totals(): { files: number; bytes: number } {
    return this.removed.reduce((sum, r) => ({ files: sum.files + r.files, bytes: sum.bytes + r.bytes }), { files: 0, bytes: 0 });
  }
}
