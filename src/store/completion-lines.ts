import * as z from 'zod/mini';
import { CompletionLine } from '../schema/completion.js';
import { memo } from '../schema/memo.js';
import { readRegularFile } from './fs.js';
import { completionsPath } from './paths.js';

// Reading YYYY-MM-DD/completions.jsonl back (written by completions.ts).

/** Over this, a day's lines are not read: the caller reads the records instead. */
const MAX_COMPLETIONS_BYTES = 64 * 1024 * 1024;

// A week of lines is hundreds of them: compiled once per process, they
// validate several times faster than through the runtime parser (measured
// with the statusline bench: 85 -> 69 ms of CPU over the demo week).
const compiledLine = memo(() => z.compile(CompletionLine));
// Compiling costs more up front than it saves over a few dozen lines: the
// first lines a process reads (today's alone, when the statusline has the
// other days in its cache) run the schema as it is, the rest compiled.
// (Statusline bench, a run finished today since the last line: CPU
// 1.35x -> 1.28x a bare node; every day read: 1.43-1.45x -> 1.47x, within the noise.)
const UNCOMPILED_LINES = 60;
let linesParsed = 0;

function parseLine(json: unknown) {
  return ++linesParsed > UNCOMPILED_LINES ? compiledLine().safeParse(json) : z.safeParse(CompletionLine, json);
}

/**
 * The current line of each execution in a day's completions.jsonl (the
 * highest revision; the later line on a tie); null when the file is missing,
 * unreadable or holds a line that is not a completion line, so the caller
 * reads the records instead of trusting part of it.
 */
export function readCompletions(logsDir: string, day: string): Map<string, CompletionLine> | null {
  const read = readRegularFile(completionsPath(logsDir, day), MAX_COMPLETIONS_BYTES);
  if (!read.ok) return null;
  const latest = new Map<string, CompletionLine>();
  for (const text of read.bytes.toString('utf8').split('\n')) {
    if (!text) continue;
    let parsed;
    try {
      parsed = parseLine(JSON.parse(text));
    } catch {
      return null;
    }
    if (!parsed.success) return null;
    const line = parsed.data;
    const seen = latest.get(line.executionId);
    if (!seen || line.revision >= seen.revision) latest.set(line.executionId, line);
  }
  return latest;
}
