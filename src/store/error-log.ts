import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { errorLogPath } from './paths.js';

const MAX_BYTES = 512 * 1024;

export interface HookErrorEntry {
  at: number;
  event: string | null;
  message: string;
  detail?: string | undefined;
}

/**
 * The hook never writes to stderr (Claude Code would show it as noise); what
 * it could not handle goes here. One rotated generation (`.1`) bounds the size.
 */
export function appendHookError(logsDir: string, entry: HookErrorEntry): void {
  const path = errorLogPath(logsDir);
  mkdirSync(logsDir, { recursive: true });
  try {
    if (statSync(path).size > MAX_BYTES) renameSync(path, `${path}.1`);
  } catch {
    // No log yet.
  }
  const line = JSON.stringify({
    at: new Date(entry.at).toISOString(),
    pid: process.pid,
    event: entry.event,
    message: entry.message,
    ...(entry.detail ? { detail: entry.detail } : {}),
  });
  appendFileSync(path, `${line}\n`);
}
