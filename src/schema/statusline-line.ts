import * as z from 'zod/mini';
import { memo } from './memo.js';

// The statusline's last drawn line per session, <logs>/.state/.statusline-line.json
// (see live/line-snapshot.ts): what the small warm-path bundle prints while
// nothing it was drawn from has changed. Internal, like .statusline-cache.json:
// written and read only by the statusline and the SessionStart alert, so not
// published as a JSON Schema; anything that does not match is ignored and rewritten.

/** Bump when what an entry means changes: an older file is then ignored and rewritten. */
export const STATUSLINE_LINE_VERSION = 2;

// Built on first use, and small: the warm path validates the whole file
// (a few hundred bytes a session) with it, so every field is checked.
export const StatuslineLineFile = memo(() => {
  const Entry = z.object({
    /** The config file it was drawn with, and that file's fingerprint ('none': no file, the defaults). */
    configPath: z.string(),
    config: z.string(),
    /** The session's in-flight state folder's fingerprint: its runs in flight were all running (none closed but unrecorded). */
    session: z.string(),
    /** The local day it was drawn for, and the first day it read. */
    today: z.string(),
    from: z.string(),
    /** When it was drawn (ms): the line holds for a clock at or after it, on the same day. */
    at: z.number(),
    /**
     * The clock it holds before: the start of a run after `at` (a clock skew, or a store written ahead), which agent
     * health then counts, or a running run reaching the in-flight timeout (then no longer shown as running).
     */
    until: z.optional(z.number()),
    /** Each day read, by its fingerprint (live/fingerprints.ts). */
    days: z.record(z.string(), z.string()),
    /** The statusline's own part of the line, but for its running part: today's cost and the marks. */
    line: z.string(),
    /** The session's runs in flight, for the running part drawn at print time (render/statusline-running.ts); absent with none. */
    running: z.optional(
      z.object({
        shown: z.array(z.object({ agentType: z.string(), startTime: z.number(), expectedMs: z.nullable(z.number()) })),
        count: z.number(),
      }),
    ),
    /** What the SessionStart alert prints ('' for nothing); absent when it depends on the clock (a forecast). */
    alerts: z.optional(z.string()),
  });
  return z.object({
    version: z.literal(STATUSLINE_LINE_VERSION),
    /** The agent-track that drew it: another one may price, judge or word it differently. */
    agentTrack: z.string(),
    sessions: z.record(z.string(), Entry),
  });
});

export type StatuslineLineFile = z.infer<ReturnType<typeof StatuslineLineFile>>;
export type StatuslineLineEntry = StatuslineLineFile['sessions'][string];
