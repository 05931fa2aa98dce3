import * as z from 'zod/mini';
import { keptAlert, keptLine, keptLineAt } from './line-snapshot.js';
import { statuslineTarget } from './payload.js';
import { besideTheirs, print, wrapped } from './statusline-io.js';

// The warm path proper (see statusline-fast.ts): the payload checked, the kept
// line or alert looked up and printed. Loaded only once a kept-line file is there.

z.config({ jitless: true });

/** Prints the kept line (or alert) and returns null; or returns the payload for the full statusline to draw. */
export function printKept(raw: Buffer, argv: readonly string[]): Buffer | null {
  const { payload, logsDir, configPath } = statuslineTarget(raw, argv);
  if (!payload) return raw;
  if (argv.includes('--alerts')) {
    const message = keptAlert(logsDir, configPath, Date.now());
    if (message === null) return raw;
    if (message) print(message);
    return null;
  }
  const now = Date.now();
  const kept = payload.session_id === undefined ? null : keptLine(logsDir, configPath, payload.session_id, now);
  if (!kept) return raw;
  print(besideTheirs(wrapped(argv, raw), keptLineAt(kept, now)));
  return null;
}
