import { lstatSync, renameSync } from 'node:fs';
import { appendLine } from './atomic.js';
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
 * A log that is a symbolic link is not appended to (appendLine refuses it).
 */
export function appendHookError(logsDir: string, entry: HookErrorEntry): void {
  const path = errorLogPath(logsDir);
  try {
    // lstat: a link's size says nothing, and rename moves the link itself, never its target.
    const stat = lstatSync(path);
    if (stat.isFile() && stat.size > MAX_BYTES) renameSync(path, `${path}.1`);
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
  appendLine(path, line, { within: logsDir });
}
