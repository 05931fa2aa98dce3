import { constants, openSync, readSync } from 'node:fs';
import * as z from 'zod/mini';
import { loadConfig } from './config/load.js';
import { DEFAULT_CONFIG, type Config } from './schema/config.js';
import { ingestPayload } from './capture/ingest.js';
import { appendHookError } from './store/error-log.js';
import { resolveConfigPath, resolveLogsDir } from './store/location.js';
import { scrubAndTruncate } from './capture/scrub.js';
import { sleepSync } from './store/lock.js';

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

type StdinDone = (text: string, problem: string | null) => void;

/**
 * Reads the payload with a size cap and a deadline, stopping at a complete
 * JSON object because some Claude Code versions never close stdin.
 *
 * Fast path (Linux): stdin reopened non-blocking through /proc and read
 * synchronously. process.stdin costs ~5 ms of startup, and a plain fs.read
 * blocks a libuv thread that process.exit() then waits for forever when
 * stdin is never closed.
 */
function readStdin(onDone: StdinDone): void {
  let fd: number;
  try {
    fd = openSync('/proc/self/fd/0', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return readStdinStream(onDone);
  }
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const deadline = Date.now() + STDIN_DEADLINE_MS;
  let size = 0;
  for (;;) {
    let bytes: number;
    try {
      bytes = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return onDone('', `cannot read stdin: ${(error as Error).message}`);
      if (Date.now() >= deadline) break;
      sleepSync(2);
      continue;
    }
    if (bytes === 0) break;
    size += bytes;
    if (size > MAX_PAYLOAD_BYTES) return onDone('', `payload larger than ${MAX_PAYLOAD_BYTES} bytes; ignored`);
    chunks.push(Buffer.from(buffer.subarray(0, bytes)));
    if (isCompleteJson(chunks, buffer[bytes - 1])) break;
  }
  onDone(Buffer.concat(chunks).toString('utf8'), size || Date.now() < deadline ? null : 'no payload on stdin before the deadline');
}

/** Portable fallback (macOS, Windows, stdin that is a socket). */
function readStdinStream(onDone: StdinDone): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (problem: string | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    process.stdin.pause();
    onDone(Buffer.concat(chunks).toString('utf8'), problem);
  };
  const timer = setTimeout(() => settle(size ? null : 'no payload on stdin before the deadline'), STDIN_DEADLINE_MS);
  process.stdin.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_PAYLOAD_BYTES) return settle(`payload larger than ${MAX_PAYLOAD_BYTES} bytes; ignored`);
    chunks.push(chunk);
    if (isCompleteJson(chunks, chunk[chunk.length - 1])) settle(null);
  });
  process.stdin.on('end', () => settle(null));
  process.stdin.on('error', (error) => settle(`cannot read stdin: ${error.message}`));
}

function isCompleteJson(chunks: Buffer[], lastByte: number | undefined): boolean {
  if (lastByte !== 0x7d /* } */ && lastByte !== 0x0a /* \n */) return false;
  try {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return true;
  } catch {
    return false;
  }
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
