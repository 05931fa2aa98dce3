import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { ExecutionFacts } from '../schema/facts.js';
import { memo } from '../schema/memo.js';
import { AgentExecution } from '../schema/record.js';
import { listDays, listRecordDirs, SETTLE_MS, type IssueSink, type LoadIssue } from './day-folders.js';
import { direntsOrEmpty, readdirOrEmpty } from './fs.js';
import { dayDir, RECORD_NAME, safeAgentDir } from './paths.js';

// The one loader of execution records: by day (reports, rollups), by record
// folder (the live views), or whole (runs, show). A corrupt or foreign file
// is reported through the issue sink and skipped, never fatal; only regular
// files are read, and a broken one is reported by where it breaks, never by
// quoting it. The reports' loader
// (readDayFacts) is the hot path of a rollup rebuild, a million files on a
// big store, so it reads each file into one reused buffer (no stat, no
// allocation per file) and validates with a compiled schema of only the
// fields reports use.

export type { IssueSink, LoadIssue };

// Listed by day-folders.ts, which the statusline loads without the record schemas.
export { listDays, listRecordDirs, SETTLE_MS };

/** Every full record of one day. */
export function readDayRecords(logsDir: string, day: string, onIssue: IssueSink): AgentExecution[] {
  const records: AgentExecution[] = [];
  forEachRecordFile(join(logsDir, day), (path) => {
    const record = parseRecord(path, onIssue);
    if (record) records.push(record);
  });
  return records;
}

export function parseRecord(path: string, onIssue: IssueSink): AgentExecution | null {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    onIssue({ path, problem: jsonProblem(error) });
    return null;
  }
  return validated(AgentExecution, json, path, onIssue);
}

// Compiling costs a few ms, paid only by commands that read records.
const compiledFacts = memo(() => z.compile(ExecutionFacts));

/** What reports need of every record of one day. */
export function readDayFacts(logsDir: string, day: string, onIssue: IssueSink): ExecutionFacts[] {
  const reader = new FileReader();
  const records: ExecutionFacts[] = [];
  forEachRecordFile(join(logsDir, day), (path) => readFactsFile(path, reader, records, onIssue));
  return records;
}

/** One agent type's records of one day (status reads a rare agent's last runs without everybody else's). */
export function readAgentDayFacts(logsDir: string, day: string, agentType: string, onIssue: IssueSink): ExecutionFacts[] {
  return readRecordFolder(join(dayDir(logsDir, day), safeAgentDir(agentType)), onIssue).filter((r) => r.agentType === agentType);
}

/** Every record in one record folder (one agent type of one day); none when it does not exist. */
export function readRecordFolder(dir: string, onIssue: IssueSink): ExecutionFacts[] {
  const reader = new FileReader();
  const records: ExecutionFacts[] = [];
  forEachFileIn(dir, (path) => readFactsFile(path, reader, records, onIssue));
  return records;
}

function readFactsFile(path: string, reader: FileReader, into: ExecutionFacts[], onIssue: IssueSink): void {
  let json: unknown;
  try {
    json = JSON.parse(reader.read(path));
  } catch (error) {
    onIssue({ path, problem: jsonProblem(error) });
    return;
  }
  const record = validated(compiledFacts(), json, path, onIssue);
  if (record) into.push(record);
}

const compiledRecord = memo(() => z.compile(AgentExecution));

/**
 * Every full record of one record folder with the text it was read from (the
 * export fingerprints the file as written, to notice a rewrite): the same
 * reused buffer as the reports' loader, the full schema compiled once.
 */
export function readRecordFolderTexts(dir: string, onIssue: IssueSink, visit: (record: AgentExecution, text: string) => void): void {
  const reader = new FileReader();
  forEachFileIn(dir, (path) => {
    let text: string;
    let json: unknown;
    try {
      text = reader.read(path);
      json = JSON.parse(text);
    } catch (error) {
      onIssue({ path, problem: jsonProblem(error) });
      return;
    }
    const record = validated(compiledRecord(), json, path, onIssue);
    if (record) visit(record, text);
  });
}


/**
 * Whole days of records, kept between refreshes of a live view. A record
 * folder's modification time moves whenever a record in it is written,
 * rewritten or removed (they are renamed into place), so a folder whose time
 * has not moved is not read again (`status --watch` re-reads only the folders
 * that changed). The time is taken before the folder is read: a write during
 * the read shows as a change next time.
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

/** Whether any record file is left in the day's record folders (retention deletes them). */
export function hasRecordFiles(dayDir: string, recordDirs: readonly string[]): boolean {
  return recordDirs.some((dir) => readdirOrEmpty(join(dayDir, dir)).some((name) => RECORD_NAME.test(name)));
}

/** Regular files only: a symlink planted in the logs folder is never followed (its target could be any file). */
function forEachRecordFile(dayDir: string, visit: (path: string) => void): void {
  for (const dir of listRecordDirs(dayDir)) forEachFileIn(join(dayDir, dir), visit);
}

function forEachFileIn(agentDir: string, visit: (path: string) => void): void {
  for (const entry of direntsOrEmpty(agentDir)) {
    if (entry.isFile() && RECORD_NAME.test(entry.name)) visit(join(agentDir, entry.name));
  }
}

/** Why a file is not JSON, without quoting it: V8's message includes the start of the text. */
function jsonProblem(error: unknown): string {
  const position = /position (\d+)/.exec((error as Error).message)?.[1];
  return position !== undefined ? `not valid JSON (at character ${position})` : 'not valid JSON';
}

function validated<T>(schema: z.ZodMiniType<T>, json: unknown, path: string, onIssue: IssueSink): T | null {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  onIssue({ path, problem: `not an execution record (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'})` });
  return null;
}

const BUFFER_BYTES = 64 * 1024;

/** Reads whole small files through one buffer; a file that fills it is read again the ordinary way. */
class FileReader {
  private buffer = Buffer.allocUnsafe(BUFFER_BYTES);

  read(path: string): string {
    const fd = openSync(path, 'r');
    let length: number;
    try {
      length = readSync(fd, this.buffer, 0, BUFFER_BYTES, 0);
    } finally {
      closeSync(fd);
    }
    return length < BUFFER_BYTES ? this.buffer.toString('utf8', 0, length) : readFileSync(path, 'utf8');
  }
}

/** Record files whose execution id starts with `prefix`, on any day; read by name only, newest day first. */
export function findRecordFiles(logsDir: string, prefix: string): string[] {
  const found: string[] = [];
  const start = `exec-${prefix}`;
  for (const day of listDays(logsDir).reverse()) {
    forEachRecordFile(join(logsDir, day), (path) => {
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (name.startsWith(start)) found.push(path);
    });
  }
  return found;
}

/** The execution id a record file is named after. */
export function recordIdOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 'exec-'.length + 1, -'.json'.length);
}
