import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { ExecutionFactsForReading, type ExecutionFacts } from '../schema/facts.js';
import { memo } from '../schema/memo.js';
import { direntsOrEmpty } from './fs.js';
import { dayDir, RECORD_NAME, safeAgentDir } from './paths.js';
import { listRecordDirs, type IssueSink } from './records.js';

// Records read by record folder (one agent type of one day) rather than by
// whole day, for the live views: status reads a rare agent's last runs from
// last week without everybody else's, and `status --watch` re-reads only the
// folders that changed since its last refresh. Same validation as the
// reports' loader; corrupt files go to the issue sink.

const compiledFacts = memo(() => z.compile(ExecutionFactsForReading));

/** One agent type's records of one day. */
export function readAgentDayFacts(logsDir: string, day: string, agentType: string, onIssue: IssueSink): ExecutionFacts[] {
  return readRecordFolder(join(dayDir(logsDir, day), safeAgentDir(agentType)), onIssue).filter((r) => r.agentType === agentType);
}

/**
 * Every record in one record folder; none when it does not exist. As the
 * reports' loader does (store/records.ts): regular files only, so a symlink
 * planted in the logs folder is never followed, and a broken file is reported
 * by where it breaks, never by quoting it.
 */
export function readRecordFolder(dir: string, onIssue: IssueSink): ExecutionFacts[] {
  const schema = compiledFacts();
  const records: ExecutionFacts[] = [];
  for (const entry of direntsOrEmpty(dir)) {
    if (!entry.isFile() || !RECORD_NAME.test(entry.name)) continue;
    const path = join(dir, entry.name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      onIssue({ path, problem: jsonProblem(error) });
      continue;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) records.push(parsed.data);
    else {
      const first = parsed.error.issues[0];
      onIssue({ path, problem: `not an execution record (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'})` });
    }
  }
  return records;
}

/** V8's JSON error quotes the start of the text, which may be anything: only its position is kept. */
function jsonProblem(error: unknown): string {
  const position = /position (\d+)/.exec((error as Error).message)?.[1];
  return position !== undefined ? `not valid JSON (at character ${position})` : 'not valid JSON';
}

/** A folder changed this recently may still change within the same clock tick: it is read again next time. */
const SETTLE_MS = 2_000;

/**
 * Whole days of records, kept between refreshes of a live view. A record
 * folder's modification time moves whenever a record in it is written,
 * rewritten or removed (they are renamed into place), so a folder whose time
 * has not moved is not read again. The time is taken before the folder is
 * read: a write during the read shows as a change next time.
 */
export class RecordFolderCache {
  private readonly folders = new Map<string, { stamp: bigint; records: ExecutionFacts[] }>();

  readDay(logsDir: string, day: string, now: number, onIssue: IssueSink): ExecutionFacts[] {
    const dir = dayDir(logsDir, day);
    const records: ExecutionFacts[] = [];
    for (const name of listRecordDirs(dir)) {
      const path = join(dir, name);
      let stat;
      try {
        stat = statSync(path, { bigint: true });
      } catch {
        continue;
      }
      let entry = this.folders.get(path);
      if (!entry || entry.stamp !== stat.mtimeNs) {
        entry = { stamp: stat.mtimeNs, records: readRecordFolder(path, onIssue) };
        if (Number(stat.mtimeMs) <= now - SETTLE_MS) this.folders.set(path, entry);
        else this.folders.delete(path);
      }
      records.push(...entry.records);
    }
    return records;
  }
}
