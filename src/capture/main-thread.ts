import { readFileSync, statSync } from 'node:fs';
import * as z from 'zod/mini';
import { memo } from '../schema/memo.js';
import { sessionFigures, writeSessionFigures, type RecordFigures } from './session-figures.js';
import type { SessionState } from './state.js';
import { scanTranscript } from './transcript-scan.js';

// The main thread's billed tokens of one session, written by the hooks beside
// the subagents' records (<logs>/sessions/<session>.json, as import writes
// it): at SessionEnd, or by the next command's sweep when SessionEnd never
// came. Read with import's streaming, pre-filtered scanner.

/**
 * What SessionEnd reads at most. Claude Code gives SessionEnd hooks 1.5 s in
 * all; the scanner reads a main transcript at ~140 MB/s (its usage lines must
 * be parsed; measured on the bench tree), so 16 MB takes ~120 ms. A bigger
 * transcript is left to the next command's sweep.
 */
export const SESSION_END_MAX_BYTES = 16 * 1024 * 1024;
/** And how long it may read, whatever the size: what is not done by then the sweep does. */
export const SESSION_END_READ_MS = 250;
/** The sweep has no hook's budget: as much as the subagent transcript reader takes. */
export const SWEEP_MAX_BYTES = 256 * 1024 * 1024;

/** `skipped`: not read (too big, too slow, unreadable), worth another try; `none`: read, and no main-thread usage in it. */
export type MainThreadOutcome = 'written' | 'unchanged' | 'skipped' | 'none';

export interface MainThreadOptions {
  now: number;
  /** Wall-clock time to give up reading by. */
  deadline: number;
  maxBytes: number;
}

/** Read the session transcript's main-thread usage and write the session's figures when they changed. */
export function recordMainThread(state: SessionState, transcriptPath: string, options: MainThreadOptions): MainThreadOutcome {
  try {
    const stat = statSync(transcriptPath);
    if (!stat.isFile() || stat.size > options.maxBytes) return 'skipped';
  } catch {
    return 'skipped';
  }
  const scan = scanTranscript(transcriptPath, { times: false, usage: true, deadline: options.deadline });
  if ('problem' in scan) return 'skipped';
  if (scan.unusable) return 'none';
  const records = state.execKeys().flatMap((key) => {
    const record = writtenRecord(state, key);
    return record ? [record] : [];
  });
  const figures = sessionFigures(state.sessionId, scan.usage, records, 'hooks', options.now);
  if (!figures) return 'none';
  return writeSessionFigures(state.logsDir, figures) ? 'written' : 'unchanged';
}

// Only what the figures need is checked: the whole record schema would add to
// every hook process's bundle (16 KB) for five fields.
const count = () => z.int().check(z.gte(0));
const recordFigures = memo(() =>
  z.looseObject({
    id: z.string(),
    agentType: z.string(),
    request: z.looseObject({ context: z.looseObject({ model: z.nullable(z.string()) }) }),
    metrics: z.looseObject({
      tokens: z.nullable(z.looseObject({ input: count(), output: count(), cacheCreation: count(), cacheRead: count() })),
      apiCalls: z.nullable(count()),
    }),
  }),
);

/** The figures of the record last written for an execution, read back and checked; null when there is none (yet) or it is gone. */
export function writtenRecord(state: SessionState, execKey: string): RecordFigures | null {
  const marker = state.readWritten(execKey);
  if (!marker?.recordPath) return null;
  try {
    const parsed = recordFigures().safeParse(JSON.parse(readFileSync(marker.recordPath, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    // Gone (retention) or being rewritten: counted next time.
    return null;
  }
}

/** The session's main transcript, as its hooks were told it. */
export function sessionTranscriptPath(state: SessionState): string | null {
  const ended = state.sessionEvents().find((e) => e.transcriptPath);
  if (ended?.transcriptPath) return ended.transcriptPath;
  for (const key of state.execKeys()) {
    // A subagent's own hooks name the session transcript too; a `pre` of the main thread certainly does.
    const event = state.readEvents(key).find((e) => e.kind === 'pre' && e.transcriptPath && !e.launcher);
    if (event?.transcriptPath) return event.transcriptPath;
  }
  return null;
}
