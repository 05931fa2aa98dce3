import * as z from 'zod/mini';
import { keptAlert, keptLine } from './live/line-snapshot.js';
import { besideTheirs, flagValue, print, readPayload, wrapped } from './live/statusline-io.js';
import { StatuslinePayload } from './schema/statusline.js';
import { resolveConfigPath, resolveLogsDir } from './store/location.js';

// The statusline's and the SessionStart alert's warm path (dist/statusline-fast.cjs,
// loaded first by bin/agent-track): reads the payload, and prints the line
// the full statusline kept for this session when nothing it was drawn from
// has changed (live/line-snapshot.ts). Without the price list, budgets,
// config schema or capture code, it costs little more than a bare node.
// Otherwise it hands the payload to the full bundle (statusline-main.ts).

z.config({ jitless: true });

/** Prints the kept line and returns null; or returns the payload for the full statusline to draw. */
export function warmStatusline(argv: readonly string[] = process.argv.slice(2)): Buffer | null {
  const raw = readPayload();
  try {
    const parsed = StatuslinePayload.safeParse(raw.length ? JSON.parse(raw.toString('utf8')) : {});
    if (!parsed.success) return raw;
    const payload = parsed.data;
    const logsDir = resolveLogsDir({ flag: flagValue(argv, '--logs-dir'), env: process.env, payloadCwd: payload.workspace?.project_dir ?? payload.cwd, cwd: process.cwd() });
    const configPath = resolveConfigPath(logsDir, process.env, flagValue(argv, '--config'));
    if (argv.includes('--alerts')) {
      const message = keptAlert(logsDir, configPath, Date.now());
      if (message === null) return raw;
      if (message) print(message);
      return null;
    }
    const kept = payload.session_id === undefined ? null : keptLine(logsDir, configPath, payload.session_id, Date.now());
    if (!kept) return raw;
    print(besideTheirs(wrapped(argv, raw), kept.line));
    return null;
  } catch {
    // Whatever went wrong here, the full statusline decides what to show.
    return raw;
  }
}
