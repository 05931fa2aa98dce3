import { relative, sep } from 'node:path';
import { RemovedKind, type Failure, type Note, type Removed } from '../schema/prune.js';

// What a prune did (or, in a dry run, would do): the data behind both the
// printed lines and --json. Paths are relative to the logs folder, with "/".

// The shapes are the published ones of `prune --json` (schema/prune.ts).
export type { Failure, InFlightToClose, Note, PruneResult, Removed, RemovedKind } from '../schema/prune.js';

export const REMOVED_KINDS: readonly RemovedKind[] = RemovedKind.options;

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
