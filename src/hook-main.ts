import { constants, fstatSync, openSync, readSync } from 'node:fs';
import * as z from 'zod/mini';
import { loadConfig } from './config/load.js';
import { DEFAULT_CONFIG, type Config } from './schema/config.js';
import { ingestPayload } from './capture/ingest.js';
import { appendHookError } from './store/error-log.js';
import { resolveConfigPath, resolveLogsDir } from './store/location.js';
import { PayloadEnd } from './capture/payload-end.js';
import { scrubAndTruncate } from './capture/scrub.js';
import { sleepSync } from './store/lock.js';
import { startExportAfterSession } from './capture/after-session.js';
import { join } from 'node:path';

// `agent-track hook`: what Claude Code starts for every subscribed event.
// Contract: exit 0 always, nothing on stdout or stderr, bounded time. Every
// problem goes to <logs>/hook-errors.log, where `agent-track doctor` shows it.

const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
// Claude Code writes the whole payload at once and closes stdin about 5 ms
// later (docs/claude-code-observations.md, h). A payload cut off on a stdin
// left open gets no more bytes: give up once none came for STDIN_IDLE_MS, and
// in any case at STDIN_DEADLINE_MS, so the hook stays well under 1.5 s.
const STDIN_IDLE_MS = 300;
const STDIN_DEADLINE_MS = 1_000;
const HARD_DEADLINE_MS = 8_000;

// An event's time is when Claude Code started this process, not when Node got
// to run our code: on a loaded machine startup takes anything from 0.1 to 0.5 s,
// enough to put a PostToolUse after the next agent's PreToolUse and call two
// sequential agents parallel.
// (process.uptime, not performance.timeOrigin: touching `performance` loads
// perf_hooks and ten internal modules, ~2 ms.)
const startedAt = Math.round(Date.now() - process.uptime() * 1000);
// Each schema parses one payload per process: compiling a fast parser first would cost more than it saves.
z.config({ jitless: true });
// The global flags may come before `hook` (`agent-track --logs-dir X hook`) or
// after it: read the whole command line, without commander (startup time).
const argv = process.argv.slice(2);
const logsFlag = flagValue(argv, '--logs-dir');
const configFlag = flagValue(argv, '--config');
let eventName: string | null = null;

function flagValue(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i] === name ? args[i + 1] : args[i]!.slice(name.length + 1);
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

type StdinDone = (text: string, problem: string | null) => void;

/**
 * Reads the payload synchronously with a size cap and a deadline, stopping at
 * a complete JSON object because some Claude Code versions never close stdin.
 * No process.stdin: its stream machinery costs ~8 ms of startup, half the
 * hook's budget. And no async fs.read: a read blocked on a stdin that stays
 * open holds a libuv thread that process.exit() then waits for forever.
 */
function readStdin(onDone: StdinDone): void {
  const { fd, nonBlocking } = openStdin();
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const end = new PayloadEnd();
  const deadline = Date.now() + STDIN_DEADLINE_MS;
  let idleSince = Date.now();
  let size = 0;
  for (;;) {
    let bytes: number;
    try {
      bytes = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      if (code !== 'EAGAIN') return onDone('', `cannot read stdin: ${(error as Error).message}`);
      const now = Date.now();
      if (now >= deadline || (size > 0 && now - idleSince >= STDIN_IDLE_MS)) break;
      sleepSync(1);
      continue;
    }
    if (bytes === 0) break;
    idleSince = Date.now();
    size += bytes;
    if (size > MAX_PAYLOAD_BYTES) return onDone('', `payload larger than ${MAX_PAYLOAD_BYTES} bytes; ignored`);
    chunks.push(Buffer.from(buffer.subarray(0, bytes)));
    if (end.feed(buffer, bytes) || (!nonBlocking && Date.now() >= deadline)) break;
  }
  onDone(Buffer.concat(chunks).toString('utf8'), size || Date.now() < deadline ? null : 'no payload on stdin before the deadline');
}

/**
 * stdin made non-blocking, so the deadline holds even when a payload is cut off
 * and stdin stays open. Claude Code hands hooks a socket; a pipe is reopened
 * through /proc with its own flags. Node has no public fcntl: opening a socket
 * as a libuv pipe handle sets O_NONBLOCK without loading the net module (~7 ms).
 * Never on a terminal (that would change the user's shell), and if anything
 * fails reads simply block: Claude Code closes stdin right after the payload.
 */
function openStdin(): { fd: number; nonBlocking: boolean } {
  try {
    const stat = fstatSync(0);
    if (stat.isFIFO()) return { fd: openSync('/proc/self/fd/0', constants.O_RDONLY | constants.O_NONBLOCK), nonBlocking: true };
    if (stat.isSocket()) {
      // A documentation-only deprecation; with --pending-deprecation it must still print nothing.
      process.noDeprecation = true;
      const { Pipe, constants: pipe } = (process as unknown as { binding(name: string): PipeWrap }).binding('pipe_wrap');
      new Pipe(pipe.SOCKET).open(0);
      return { fd: 0, nonBlocking: true };
    }
  } catch {
    // Fall through to plain blocking reads.
  }
  return { fd: 0, nonBlocking: false };
}

interface PipeWrap {
  Pipe: new (type: number) => { open(fd: number): void };
  constants: { SOCKET: number };
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
    config = loadConfig(resolveConfigPath(logsDir, process.env, configFlag));
  } catch (error) {
    record(logsDir, `${(error as Error).message}; using defaults`);
  }
  try {
    ingestPayload(raw, {
      logsDir,
      config,
      now: startedAt,
      deadline: startedAt + HARD_DEADLINE_MS - 1_000,
      warn: (message) => record(logsDir, message),
    });
  } catch (error) {
    record(logsDir, (error as Error).message, (error as Error).stack);
  }
  if (eventName === 'SessionEnd' && config.export.afterSession) {
    try {
      startExportAfterSession({ logsDir, configFlag, cliPath: join(__dirname, 'cli.cjs') });
    } catch (error) {
      record(logsDir, `could not start the export after the session: ${(error as Error).message}`);
    }
  }
  finish();
});

// A last resort only: the work above is synchronous and ends in finish(), so
// this line is reached only if some path ever returns instead (or yields).
// Armed here, not at startup: a process's first timer costs ~0.2 ms of CPU,
// and every hook process would pay it for nothing. The deadline that holds is
// the one ingestPayload checks itself.
setTimeout(() => {
  record(logsDirFor(), `hard deadline of ${HARD_DEADLINE_MS} ms reached; event may be incomplete`);
  finish();
}, Math.max(0, startedAt + HARD_DEADLINE_MS - Date.now())).unref();
