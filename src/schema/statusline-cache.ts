import * as z from 'zod/mini';
import { DayName } from './day-spend.js';
import { memo } from './memo.js';

// The statusline's cache of each day's spend and of the resolved config,
// <logs>/.state/.statusline-cache.json (see live/statusline-cache.ts).
// Internal: written and read only by the statusline and the SessionStart
// alert, so not published as a JSON Schema. Anything that does not match this
// (another version, a hand edit, half a file) is ignored and rewritten.

/** Bump when what an entry means changes: an older file is then ignored and rewritten. */
export const STATUSLINE_CACHE_VERSION = 1;

// Tiny on purpose: validating a month of figures field by field costs more
// (5-8 ms, jitless and cold) than reading the completion lines they stand for,
// and the config's own schema costs what caching it saves. The file is
// agent-track's own, replaced whole by an atomic rename and versioned, so what
// is checked is that it is a whole file of this version whose entries say what
// they were read from; the figures and the config inside are used as written
// (the shapes live/statusline-cache.ts gives them, typed there). Loose objects:
// checked in place, nothing copied (measured: 1.7 -> 1.3 ms cold over a week).
// Built on first use: a statusline over an empty store never reads a cache.
export const StatuslineCacheFile = memo(() => {
  const CachedDay = z.object({
    /** What the figures were read from: see dayFingerprint. */
    fingerprint: z.string(),
    /** Read as a closed day (before the local today): a pruned rollup and the records' fallback treat today apart. */
    closed: z.boolean(),
    spend: z.looseObject({ day: DayName }),
    /** Today's runs as agent health reads them (analytics/status.ts HealthRun). */
    runs: z.optional(z.array(z.looseObject({}))),
  });

  /** The config file as last resolved: building and running its schema costs more than the rest of a statusline. */
  const CachedConfig = z.object({
    path: z.string(),
    fingerprint: z.string(),
    config: z.looseObject({}),
  });

  return z.object({
    version: z.literal(STATUSLINE_CACHE_VERSION),
    config: z.optional(CachedConfig),
    days: z.record(DayName, CachedDay),
  });
});
