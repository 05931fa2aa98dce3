import { read } from 'node:fs';
import * as z from 'zod/mini';
import { loadConfig } from './config/load.js';
import { DEFAULT_CONFIG, type Config } from './schema/config.js';
import { ingestPayload } from './capture/ingest.js';
import { appendHookError } from './store/error-log.js';
import { resolveConfigPath, resolveLogsDir } from './store/location.js';
import { scrubAndTruncate } from './capture/scrub.js';

// `agent-track hook`: what Claude Code starts for every subscribed event.
// Contract: exit 0 always, nothing on stdout or stderr, bounded time. Every
// problem goes to <logs>/hook-errors.log, where `agent-track doctor` shows it.

const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const STDIN_DEADLINE_MS = 3_000;
const HARD_DEADLINE_MS = 8_000;

const startedAt = Date.now();
// Each schema parses one payload per process: compiling a fast parser first would cost more than it saves.
z.config({ jitless: true });
const argv = process.argv.slice(3);
const logsFlag = flagValue(argv, '--logs-dir');
let eventName: string | null = null;

function flagValue(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i]!.includes('=') ? args[i]!.slice(name.length + 1) : args[i + 1];
}

function logsDirFor(payloadCwd?: string): string {
  return resolveLogsDir({ flag: logsFlag, env: process.env, payloadCwd, cwd: process.cwd() });
}

function record(logsDir: string, message: string, detail?: string): void {
  try {
    appendHookError(logsDir, { at: Date.now(), event: eventName, message, detail });
  } catch {
    // Nowhere left to report to; the agent must still not notice.
  }
}

function finish(): never {
  process.exit(0);
}

// Never let anything escape: an uncaught error would print a stack to stderr.
process.on('uncaughtException', (error) => {
  record(logsDirFor(), `internal error: ${error.message}`, error.stack);
  finish();
});
setTimeout(() => {
  record(logsDirFor(), `hard deadline of ${HARD_DEADLINE_MS} ms reached; event may be incomplete`);
  finish();
}, HARD_DEADLINE_MS).unref();

/**
 * stdin through fs.read, not process.stdin: the stream machinery costs a few
 * ms of startup. Some Claude Code versions never close stdin, so reading stops
 * at a complete JSON object, at the size cap, or at the deadline.
 */
function readStdin(onDone: (text: string, problem: string | null) => void): void {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let size = 0;
  let settled = false;
  const settle = (problem: string | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    onDone(Buffer.concat(chunks).toString('utf8'), problem);
  };
  const timer = setTimeout(() => settle(size ? null : 'no payload on stdin before the deadline'), STDIN_DEADLINE_MS);
  const next = (): void =>
    read(0, buffer, 0, buffer.length, null, (error, bytes) => {
      if (settled) return;
      if (error) {
        // A non-blocking stdin with nothing to read yet.
        if (error.code === 'EAGAIN') return void setTimeout(next, 5);
        return settle(error.code === 'EOF' ? null : `cannot read stdin: ${error.message}`);
      }
      if (bytes === 0) return settle(null);
      size += bytes;
      if (size > MAX_PAYLOAD_BYTES) return settle(`payload larger than ${MAX_PAYLOAD_BYTES} bytes; ignored`);
      chunks.push(Buffer.from(buffer.subarray(0, bytes)));
      const lastByte = buffer[bytes - 1];
      if (lastByte === 0x7d /* } */ || lastByte === 0x0a /* \n */) {
        try {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          return settle(null);
        } catch {
          // Not complete yet.
        }
      }
      next();
    });
  next();
}

readStdin((text, problem) => {
  if (problem) {
    record(logsDirFor(), problem);
    finish();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    record(logsDirFor(), text.trim() ? 'payload is not JSON' : 'empty payload', scrubAndTruncate(text, 300));
    finish();
  }
  const payload = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  eventName = typeof payload.hook_event_name === 'string' ? payload.hook_event_name : null;
  const logsDir = logsDirFor(typeof payload.cwd === 'string' ? payload.cwd : undefined);
  let config: Config = DEFAULT_CONFIG;
  try {
    config = loadConfig(resolveConfigPath(logsDir, process.env));
  } catch (error) {
    record(logsDir, `${(error as Error).message}; using defaults`);
  }
  try {
    ingestPayload(raw, { logsDir, config, now: startedAt, deadline: startedAt + HARD_DEADLINE_MS - 1_000 });
  } catch (error) {
    record(logsDir, (error as Error).message, (error as Error).stack);
  }
  finish();
});
