import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentExecution } from '../schema/record.js';
import { DAY_NAME, RECORD_NAME } from './paths.js';

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

/** Every record of one day. A corrupt or foreign file is reported and skipped, never fatal. */
export function readDayRecords(logsDir: string, day: string, onIssue: IssueSink): AgentExecution[] {
  const records: AgentExecution[] = [];
  const dir = join(logsDir, day);
  for (const entry of readdirOrEmpty(dir, true)) {
    if (typeof entry === 'string' || !entry.isDirectory()) continue;
    const agentDir = join(dir, entry.name);
    for (const name of readdirOrEmpty(agentDir)) {
      if (!RECORD_NAME.test(name)) continue;
      const path = join(agentDir, name);
      const record = parseRecord(path, onIssue);
      if (record) records.push(record);
    }
  }
  return records;
}

export function parseRecord(path: string, onIssue: IssueSink): AgentExecution | null {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    onIssue({ path, problem: `not readable JSON (${(error as Error).message})` });
    return null;
  }
  const parsed = AgentExecution.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    onIssue({ path, problem: `not an execution record (${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'})` });
    return null;
  }
  return parsed.data;
}

function readdirOrEmpty(dir: string): string[];
function readdirOrEmpty(dir: string, withTypes: true): import('node:fs').Dirent[];
function readdirOrEmpty(dir: string, withTypes = false): (string | import('node:fs').Dirent)[] {
  try {
    return withTypes ? readdirSync(dir, { withFileTypes: true }) : readdirSync(dir);
  } catch {
    return [];
  }
}
