import { mkdirSync, mkdtempSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentExecution } from '../../src/schema/record.js';
import { writeFileAtomic } from '../../src/store/atomic.js';
import { recordPath } from '../../src/store/paths.js';
import { localDay } from '../../src/time/period.js';

export function tempLogs(): string {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-store-'));
  const logs = join(root, '.claude', 'execution-logs');
  mkdirSync(logs, { recursive: true });
  return logs;
}

/** Writes records where the capture code would, in their start day's folder. */
export function writeRecords(logsDir: string, records: AgentExecution[]): void {
  for (const record of records) {
    writeFileAtomic(recordPath(logsDir, localDay(record.metrics.startTime), record.agentType, record.id), `${JSON.stringify(record)}\n`);
  }
}

/**
 * Moves a day folder's modification times back, as if its files had been
 * written a while ago: rollups are only written once their inputs are quiet.
 */
export function age(logsDir: string, day: string, seconds = 60): void {
  const dir = join(logsDir, day);
  const when = Date.now() / 1000 - seconds;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory() || name === 'completions.jsonl') utimesSync(path, when, when);
  }
}
