import * as z from 'zod/mini';
import { loadConfig } from './config/load.js';
import type { RecordsFallback } from './live/day-source.js';
import { drawLine } from './live/draw-line.js';
import { statuslineTarget } from './live/payload.js';
import { besideTheirs, ERROR_MARK, print, wrapped } from './live/statusline-io.js';
import { appendHookError } from './store/error-log.js';

// Its own bundle (dist/statusline.cjs), behind the warm path (statusline-fast.ts,
// dist/statusline-fast.cjs), which bin/agent-track loads first for
//   agent-track statusline [--wrap <base64 JSON of the user's own statusLine>]
//     Claude Code's statusLine command: runs after every message, prints one line.
//   agent-track hook --alerts
//     the opt-in SessionStart hook: prints {"systemMessage": ...} when a budget
//     is spent or near its cap, or an agent is failing; otherwise nothing.
// This one draws the line afresh (through the day cache) when the warm path
// has no kept line that still holds, and keeps what it drew for the next one.
// Neither may ever print an error where the user reads: a problem in the
// statusline shows as a short mark, and the alert hook stays silent (the
// reason goes to hook-errors.log, where `agent-track doctor` shows it).

z.config({ jitless: true });

/**
 * The records and rollups, for a day whose completion lines do not stand for
 * its records (see live/day-source.ts). A plain require, not an import: built,
 * it is dist/statusline-fallback.cjs (tsup.config.ts), loaded only then.
 */
function recordsFallback(): RecordsFallback {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./live/records-fallback.js') as typeof import('./live/records-fallback.js')).recordsFallback;
}

/** Draws the statusline (or the alert) for the payload the warm path read from stdin. */
export function drawStatusline(raw: Buffer, argv: readonly string[] = process.argv.slice(2)): void {
  const alerts = argv.includes('--alerts');
  const startedAt = Date.now();
  let logsDir: string | null = null;
  try {
    const target = statuslineTarget(raw, argv);
    logsDir = target.logsDir;
    const { configPath, payload } = target;
    const { line, message } = drawLine({
      logsDir,
      configPath,
      loadConfig: () => loadConfig(configPath),
      session: payload?.session_id ?? null,
      now: startedAt,
      // File times are the real clock's: the caches compare them with Date.now(), not the line's clock.
      wallNow: Date.now(),
      fallback: recordsFallback,
    });
    if (alerts) {
      if (message) print(message);
      return;
    }
    print(besideTheirs(wrapped(argv, raw), line));
  } catch (error) {
    if (alerts) {
      if (logsDir) {
        try {
          appendHookError(logsDir, { at: Date.now(), event: 'SessionStart', message: `alerts: ${(error as Error).message}` });
        } catch {
          // Nowhere to report to: stay silent.
        }
      }
      return;
    }
    print(besideTheirs(wrapped(argv, raw), ERROR_MARK));
  }
}
