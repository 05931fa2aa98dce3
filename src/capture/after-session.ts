import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORT_LOG } from '../store/paths.js';

// export.afterSession: the SessionEnd hook starts `agent-track export` and
// does not wait for it. Detached (its own process group, so Claude Code ending
// the hook does not end it), unref'd, stdin closed; its one-line outcome is
// appended to <logs>/export.log. Anything that goes wrong here is the
// export's loss, never the hook's: the next export sends what this one did not.

export interface AfterSessionInput {
  logsDir: string;
  /** --config as the hook was given it, passed on. */
  configFlag: string | undefined;
  /** The built CLI beside the hook bundle. */
  cliPath: string;
}

export function startExportAfterSession(input: AfterSessionInput): void {
  // Required here, not at the top: every other hook event would pay for loading it.
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const log = openLog(join(input.logsDir, EXPORT_LOG));
  try {
    const args = [input.cliPath, '--logs-dir', input.logsDir, ...(input.configFlag ? ['--config', input.configFlag] : []), 'export'];
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log ?? 'ignore', log ?? 'ignore'], windowsHide: true });
    child.on('error', () => {}); // A CLI that cannot start: nothing to tell the agent.
    child.unref();
  } finally {
    if (log !== null) closeSync(log);
  }
}

/** Appended to, never through a symlink; null (output dropped) when it cannot be opened. */
function openLog(path: string): number | null {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o600);
  } catch {
    return null;
  }
}
