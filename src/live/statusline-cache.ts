import { existsSync } from 'node:fs';
import * as z from 'zod/mini';
import type { DaySpend } from '../analytics/day-spend.js';
import { keyedObject } from '../analytics/keyed.js';
import type { HealthRun } from '../analytics/status.js';
import { version as AGENT_TRACK_VERSION } from '../../package.json';
import { DEFAULT_CONFIG, type Config } from '../schema/config.js';
import { STATUSLINE_CACHE_VERSION, StatuslineCacheFile } from '../schema/statusline-cache.js';
import { writeFileAtomic } from '../store/atomic.js';
import { SETTLE_MS } from '../store/day-folders.js';
import { readJsonFile } from '../store/fs.js';
import { statuslineCachePath } from '../store/paths.js';
import { addDays } from '../time/period.js';
import type { DayRead } from './day-source.js';
import { configFileFingerprint, dayFingerprint, type Fingerprint } from './fingerprints.js';

// Each day's spend as the statusline last read it, and the config as last
// resolved, in <logs>/.state/.statusline-cache.json, so that a statusline drawn
// after every message reads a few folder and file times instead of a week or a
// month of completion lines, and does not build and run the config's schema
// (with budgets set, ~5 ms of CPU: more than the rest of the line). The config
// is used while its file's identity, time and size are unchanged (and the
// agent-track version and defaults it was resolved with). A day's entry holds
// the figures (prices are applied after, so a price change in the config needs
// no key here) and the fingerprint of what they were read from, taken before
// they were read; it is used only while that fingerprint is unchanged:
// - the day folder's identity and time (an agent folder, completions.jsonl,
//   summary.json or the pruned marker added, replaced or removed);
// - every record folder's time (a record written, rewritten or removed renames
//   or unlinks inside it, as the rollups' fingerprint relies on);
// - completions.jsonl's time and size (a line appended, or a partial one taken back).
// File times are coarse: a change in the same clock tick as the fingerprint
// could hide behind an unchanged time, so a day is kept only once its inputs
// have been quiet for SETTLE_MS (the rollups' rule). Until then it is read
// afresh each time. An entry kept from an earlier state is harmless: every
// entry is checked against its day's fingerprint before use. A file that is
// missing, unreadable, of another version or not of this shape is ignored and
// rewritten. Two statuslines at once each
// write a whole file (atomic rename): the last one wins, and either is right.

/** Days kept unread: a month budget's, and the week before it that expected times read. */
const KEEP_DAYS = 62;

/** A week is a few KB, a month of busy days tens of KB: over this the file is not ours to read. */
const MAX_CACHE_BYTES = 4 * 1024 * 1024;

/** An entry as written (see schema/statusline-cache.ts for what is checked when it is read back). */
interface CachedDay {
  fingerprint: string;
  closed: boolean;
  spend: DaySpend;
  runs?: HealthRun[];
}

interface CachedConfig {
  path: string;
  fingerprint: string;
  config: Config;
}

interface CacheFile {
  version: typeof STATUSLINE_CACHE_VERSION;
  config?: CachedConfig;
  days: Record<string, CachedDay>;
}

export { dayFingerprint };

export interface StatuslineCache {
  /** The config at `path` from the cache when its file is unchanged, else from `load` (kept when settled). */
  config(path: string, load: () => Config): Config;
  /** The day's figures from the cache when its inputs are unchanged, else from `read` (kept when settled). */
  day(day: string, closed: boolean, read: () => DayRead): DayRead;
  /** Writes the file when an entry was added, replaced or dropped; never throws (the line is drawn anyway). */
  save(): void;
  /**
   * The fingerprints of the config file and of every day asked for so far, as
   * taken before each was read; null when one of them was not settled (or
   * not there): a line drawn from them may then not be kept (line-snapshot.ts).
   */
  inputs(): { configPath: string; config: string; days: Record<string, string> } | null;
}

/**
 * The cache of a logs folder. `wallNow` is the real clock, not the command's:
 * it is compared with file times, which the real clock writes.
 */
export function openStatuslineCache(logsDir: string, wallNow: number): StatuslineCache {
  const file = readCacheFile(logsDir);
  const previous = file?.days ?? {};
  const next: Record<string, CachedDay> = {};
  let config = file?.config;
  let changed = false;
  // What the line was drawn from (see inputs()); settled stays true while every input was.
  let configInput: { path: string; key: string } | null = null;
  const dayInputs: Record<string, string> = {};
  let settled = true;
  return {
    config(path, load) {
      const file = configFileFingerprint(path);
      configInput = file === null ? null : { path, key: file.key };
      if (file === null || file.newest > wallNow - SETTLE_MS) settled = false;
      const before = configFingerprint(path);
      if (before === null) return load();
      if (config && config.path === path && config.fingerprint === before.key) return config.config;
      const loaded = load();
      if (before.newest <= wallNow - SETTLE_MS) {
        config = { path, fingerprint: before.key, config: loaded };
        changed = true;
      }
      return loaded;
    },
    day(day, closed, read) {
      const before = dayFingerprint(logsDir, day);
      if (before === null || before.newest > wallNow - SETTLE_MS) settled = false;
      else dayInputs[day] = before.key;
      const hit = before === null ? undefined : previous[day];
      if (hit && hit.fingerprint === before!.key && hit.closed === closed && hit.spend.day === day) {
        next[day] = hit;
        const runs = hit.runs ?? [];
        return { spend: hit.spend, runs: () => runs };
      }
      const fresh = read();
      if (before !== null && before.newest <= wallNow - SETTLE_MS) {
        next[day] = { fingerprint: before.key, closed, spend: spendOnly(fresh.spend), ...(closed ? {} : { runs: fresh.runs().map(healthRunOnly) }) };
        changed = true;
      }
      return fresh;
    },
    inputs() {
      return settled && configInput ? { configPath: configInput.path, config: configInput.key, days: { ...dayInputs } } : null;
    },
    save() {
      // Days not read this time are kept a while: the 7 days before today are
      // read only while an agent runs, and should be warm the next time one does.
      // Older ones (out of every period, or pruned long ago) are dropped.
      const newest = Object.keys(next).sort().pop();
      if (newest !== undefined) {
        const keepFrom = addDays(newest, -KEEP_DAYS);
        for (const [day, entry] of Object.entries(previous)) if (!(day in next) && day >= keepFrom) next[day] = entry;
      }
      if (!changed && Object.keys(next).length === Object.keys(previous).length) return;
      // A project with a config and no logs folder yet: the line makes none.
      if (!existsSync(logsDir)) return;
      const file: CacheFile = { version: STATUSLINE_CACHE_VERSION, ...(config ? { config } : {}), days: next };
      try {
        writeFileAtomic(statuslineCachePath(logsDir), JSON.stringify(file), { within: logsDir });
      } catch {
        // A read-only store, a full disk or a planted link: the next statusline reads the days again.
      }
    },
  };
}

function readCacheFile(logsDir: string): CacheFile | null {
  const json = readJsonFile(statuslineCachePath(logsDir), MAX_CACHE_BYTES, { noFollow: true });
  if (json === undefined) return null;
  // Validated in place (no copy), its envelope only: what is inside is used as written (see schema/statusline-cache.ts).
  return z.validate(StatuslineCacheFile(), json) ? (json as unknown as CacheFile) : null;
}

// What a config was resolved by besides its file: another agent-track (an
// update, or new defaults) may resolve the same file differently.
const RESOLVER = JSON.stringify([AGENT_TRACK_VERSION, DEFAULT_CONFIG]);

/** The config file's identity, time and size, and what resolved it; null when there is none (the defaults, at no cost) or it cannot be looked at. */
function configFingerprint(path: string): Fingerprint | null {
  const file = configFileFingerprint(path);
  if (file === null || file.key === 'none') return null;
  return { key: JSON.stringify([RESOLVER, file.key]), newest: file.newest };
}

/** Only the figures a DaySpend has: a day read through the records' fallback is a whole rollup. */
function spendOnly(spend: DaySpend): DaySpend {
  const agents = keyedObject<DaySpend['agents'][string]>();
  for (const [name, a] of Object.entries(spend.agents)) {
    agents[name] = {
      executions: a.executions,
      success: a.success,
      partial: a.partial,
      failed: a.failed,
      durations: a.durations,
      tokens: a.tokens,
      models: a.models,
      longContextModels: a.longContextModels,
      lastSuccessAt: a.lastSuccessAt,
    };
  }
  return { day: spend.day, executions: spend.executions, agents };
}

/** Only what agent health reads of a run: today's runs may be whole records (the records' fallback). */
function healthRunOnly(run: HealthRun): HealthRun {
  return {
    id: run.id,
    agentType: run.agentType,
    metrics: { startTime: run.metrics.startTime, endTime: run.metrics.endTime, duration: run.metrics.duration },
    result: { status: run.result.status },
  };
}
