import { readSync, writeSync } from 'node:fs';
import { PayloadEnd } from '../capture/payload-end.js';

// The statusline's and the SessionStart alert's input and output, shared by
// the warm-path bundle (statusline-fast.ts) and the full one (statusline-main.ts).

const MAX_PAYLOAD_BYTES = 1024 * 1024;
const WRAP_TIMEOUT_MS = 1_000;
export const ERROR_MARK = 'agent-track ⚠?';

export function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i] === name ? argv[i + 1] : argv[i]!.slice(name.length + 1);
}

/** Claude Code closes stdin after the payload; stop at the end of the object anyway, with a size cap. */
export function readPayload(): Buffer {
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
export function wrapped(argv: readonly string[], raw: Buffer): string {
  const encoded = flagValue(argv, '--wrap');
  if (!encoded) return '';
  try {
    const original = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as { command?: unknown };
    if (typeof original.command !== 'string') return '';
    // Loaded only here: child_process (and the net module under it) costs a statusline without --wrap several ms.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const run = spawnSync('/bin/sh', ['-c', original.command], { input: raw, timeout: WRAP_TIMEOUT_MS, encoding: 'utf8' });
    return (run.stdout ?? '').split('\n')[0]!.trimEnd();
  } catch {
    return '';
  }
}

/** Ours after theirs, as Claude Code shows one line. */
export function besideTheirs(theirs: string, ours: string): string {
  return `${theirs ? `${theirs} │ ` : ''}${ours}`;
}

/** Straight to fd 1: process.stdout would set up a stream (and load net for a pipe) for one line. */
export function print(line: string): void {
  try {
    writeSync(1, `${line}\n`);
  } catch {
    // Claude Code went away: nothing to show the line to.
  }
}
