import * as z from 'zod/mini';
import { StatuslinePayload } from '../schema/statusline.js';
import { resolveConfigPath, resolveLogsDir } from '../store/location.js';
import { keptAlert, keptLine } from './line-snapshot.js';
import { besideTheirs, flagValue, print, wrapped } from './statusline-io.js';

// The warm path proper (see statusline-fast.ts): the payload checked, the kept
// line or alert looked up and printed. Loaded only once a kept-line file is there.

z.config({ jitless: true });

/** Prints the kept line (or alert) and returns null; or returns the payload for the full statusline to draw. */
export function printKept(raw: Buffer, argv: readonly string[]): Buffer | null {
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
}
