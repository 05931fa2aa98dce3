import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../store/atomic.js';
import { stateRoot } from '../store/paths.js';

// What import last read of each session, kept in the logs folder's .state:
// a session whose transcript and subagents folder are as they were is not
// read again, so a second import of an unchanged history costs a stat per file.

export const IMPORT_INDEX_FILE = 'import-index.json';
const INDEX_MAX_BYTES = 64 * 1024 * 1024;

const entrySchema = z.object({ size: z.number(), mtimeMs: z.number(), subagentsMtimeMs: z.nullable(z.number()) });
const indexSchema = z.object({ v: z.literal(1), sessions: z.record(z.string(), entrySchema) });
export type IndexEntry = z.infer<typeof entrySchema>;

export function importIndexPath(logsDir: string): string {
  return join(stateRoot(logsDir), IMPORT_INDEX_FILE);
}

export class ImportIndex {
  private readonly sessions: Map<string, IndexEntry>;
  private changed = false;

  private constructor(readonly logsDir: string, sessions: Map<string, IndexEntry>) {
    this.sessions = sessions;
  }

  /** A missing or unreadable index is an empty one: everything is read again, nothing is lost. */
  static load(logsDir: string): ImportIndex {
    try {
      const path = importIndexPath(logsDir);
      if (statSync(path).size <= INDEX_MAX_BYTES) {
        const parsed = indexSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
        if (parsed.success) return new ImportIndex(logsDir, new Map(Object.entries(parsed.data.sessions)));
      }
    } catch {
      // No index yet.
    }
    return new ImportIndex(logsDir, new Map());
  }

  unchanged(transcriptPath: string, now: IndexEntry): boolean {
    const was = this.sessions.get(transcriptPath);
    return was !== undefined && was.size === now.size && was.mtimeMs === now.mtimeMs && was.subagentsMtimeMs === now.subagentsMtimeMs;
  }

  remember(transcriptPath: string, entry: IndexEntry): void {
    this.sessions.set(transcriptPath, entry);
    this.changed = true;
  }

  save(): void {
    if (!this.changed) return;
    writeFileAtomic(importIndexPath(this.logsDir), JSON.stringify({ v: 1, sessions: Object.fromEntries(this.sessions) }));
    this.changed = false;
  }
}

/** The session's transcript and subagents folder as they are now; null if the transcript is gone. */
export function sessionStamp(transcriptPath: string): IndexEntry | null {
  try {
    const stat = statSync(transcriptPath);
    let subagentsMtimeMs: number | null = null;
    try {
      subagentsMtimeMs = statSync(join(transcriptPath.slice(0, -'.jsonl'.length), 'subagents')).mtimeMs;
    } catch {
      // No subagents folder.
    }
    return { size: stat.size, mtimeMs: stat.mtimeMs, subagentsMtimeMs };
  } catch {
    return null;
  }
}
