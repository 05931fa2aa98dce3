import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { ExecutionFactsForReading, type ExecutionFacts } from '../schema/facts.js';
import { memo } from '../schema/memo.js';
import { AgentExecution } from '../schema/record.js';
import { direntsOrEmpty, readdirOrEmpty } from './fs.js';
import { DAY_NAME, RECORD_NAME } from './paths.js';

// Reading execution records back. A corrupt or foreign file is reported
// through the issue sink and skipped, never fatal. The reports' loader
// (readDayFacts) is the hot path of a rollup rebuild, a million files on a
// big store, so it reads each file into one reused buffer (no stat, no
// allocation per file) and validates with a compiled schema of only the
// fields reports use.

export interface LoadIssue {
  path: string;
  problem: string;
}

export type IssueSink = (issue: LoadIssue) => void;

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
const compiledFacts = memo(() => z.compile(ExecutionFactsForReading));

/** What reports need of every record of one day. */
export function readDayFacts(logsDir: string, day: string, onIssue: IssueSink): ExecutionFacts[] {
  const schema = compiledFacts();
  const reader = new FileReader();
  const records: ExecutionFacts[] = [];
  forEachRecordFile(join(logsDir, day), (path) => {
    let json: unknown;
    try {
      json = JSON.parse(reader.read(path));
    } catch (error) {
      onIssue({ path, problem: jsonProblem(error) });
      return;
    }
    const record = validated(schema, json, path, onIssue);
    if (record) records.push(record);
  });
  return records;
}

/** Whether any record file is left in the day's record folders (retention deletes them). */
export function hasRecordFiles(dayDir: string, recordDirs: readonly string[]): boolean {
  return recordDirs.some((dir) => readdirOrEmpty(join(dayDir, dir)).some((name) => RECORD_NAME.test(name)));
}

/** Regular files only: a symlink planted in the logs folder is never followed (its target could be any file). */
function forEachRecordFile(dayDir: string, visit: (path: string) => void): void {
  for (const dir of listRecordDirs(dayDir)) {
    const agentDir = join(dayDir, dir);
    for (const entry of direntsOrEmpty(agentDir)) {
      if (entry.isFile() && RECORD_NAME.test(entry.name)) visit(join(agentDir, entry.name));
    }
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
