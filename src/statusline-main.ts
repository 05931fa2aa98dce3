import { readSync, writeSync } from 'node:fs';
import * as z from 'zod/mini';
import { PayloadEnd } from './capture/payload-end.js';
import { loadConfig } from './config/load.js';
import type { RecordsFallback } from './live/day-source.js';
import { readMoment } from './live/moment.js';
import { openStatuslineCache } from './live/statusline-cache.js';
import { statusLine } from './render/statusline.js';
import { StatuslinePayload } from './schema/statusline.js';
import { appendHookError } from './store/error-log.js';
import { resolveConfigPath, resolveLogsDir } from './store/location.js';

// Its own small bundle (dist/statusline.cjs), loaded by bin/agent-track for
//   agent-track statusline [--wrap <base64 JSON of the user's own statusLine>]
//     Claude Code's statusLine command: runs after every message, prints one line.
//   agent-track hook --alerts
//     the opt-in SessionStart hook: prints {"systemMessage": ...} when a budget
//     is spent or near its cap, or an agent is failing; otherwise nothing.
// Neither may ever print an error where the user reads: a problem in the
// statusline shows as a short mark, and the alert hook stays silent (the
// reason goes to hook-errors.log, where `agent-track doctor` shows it).

const MAX_PAYLOAD_BYTES = 1024 * 1024;
const WRAP_TIMEOUT_MS = 1_000;
const ERROR_MARK = 'agent-track ⚠?';

z.config({ jitless: true });
const argv = process.argv.slice(2);
const alerts = argv.includes('--alerts');
const startedAt = Date.now();

function flagValue(name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i] === name ? argv[i + 1] : argv[i]!.slice(name.length + 1);
}

/** Claude Code closes stdin after the payload; stop at the end of the object anyway, with a size cap. */
function readPayload(): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const end = new PayloadEnd();
  let size = 0;
  for (;;) {
    let bytes: number;
    try {
      bytes = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      break;
    }
    if (bytes === 0) break;
    size += bytes;
    if (size > MAX_PAYLOAD_BYTES) break;
    chunks.push(Buffer.from(buffer.subarray(0, bytes)));
    if (end.feed(buffer, bytes)) break;
  }
  return Buffer.concat(chunks);
}

/** The user's own statusline, run as Claude Code would run it: its first line, or nothing. */
function wrapped(raw: Buffer): string {
  const encoded = flagValue('--wrap');
  if (!encoded) return '';
  try {
    const original = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as { command?: unknown };
    if (typeof original.command !== 'string') return '';
    // Loaded only here: child_process (and the net module under it) costs a statusline without --wrap several ms.
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const run = spawnSync('/bin/sh', ['-c', original.command], { input: raw, timeout: WRAP_TIMEOUT_MS, encoding: 'utf8' });
    return (run.stdout ?? '').split('\n')[0]!.trimEnd();
  } catch {
    return '';
  }
}

/**
 * The records and rollups, for a day whose completion lines do not stand for
 * its records (see live/day-source.ts). A plain require, not an import: built,
 * it is dist/statusline-fallback.cjs (tsup.config.ts), loaded only then.
 */
function recordsFallback(): RecordsFallback {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./live/records-fallback.js') as typeof import('./live/records-fallback.js')).recordsFallback;
}

/** Straight to fd 1: process.stdout would set up a stream (and load net for a pipe) for one line. */
function print(line: string): void {
  try {
    writeSync(1, `${line}\n`);
  } catch {
    // Claude Code went away: nothing to show the line to.
  }
}

function main(): void {
  const raw = readPayload();
  let logsDir: string | null = null;
  try {
    const parsed = StatuslinePayload.safeParse(raw.length ? JSON.parse(raw.toString('utf8')) : {});
    const payload = parsed.success ? parsed.data : {};
    const payloadCwd = payload.workspace?.project_dir ?? payload.cwd;
    logsDir = resolveLogsDir({ flag: flagValue('--logs-dir'), env: process.env, payloadCwd, cwd: process.cwd() });
    const configPath = resolveConfigPath(logsDir, process.env, flagValue('--config'));
    // File times are the real clock's: the cache compares them with Date.now(), not the line's clock.
    const cache = openStatuslineCache(logsDir, Date.now());
    const config = cache.config(configPath, () => loadConfig(configPath));
    // A skipped file is the reports' and doctor's to name: the line has no room for it.
    const moment = readMoment({ logsDir, config, now: startedAt, session: payload.session_id ?? null, onIssue: () => {}, fallback: recordsFallback, cache });
    cache.save();
    if (alerts) {
      const list = [...moment.alerts.problems, ...moment.alerts.warnings];
      if (list.length) print(JSON.stringify({ systemMessage: `agent-track: ${list.map((a) => a.text).join('; ')}` }));
      return;
    }
    const ours = statusLine(moment, payload.session_id ?? null, startedAt);
    const theirs = wrapped(raw);
    print(`${theirs ? `${theirs} │ ` : ''}${ours}`);
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
    const theirs = wrapped(raw);
    print(`${theirs ? `${theirs} │ ` : ''}${ERROR_MARK}`);
  }
}

try {
  main();
} catch {
  // Never a stack trace where the user reads.
}
process.exitCode = 0;
