import { appendFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load';
import { generateSessions } from '../../src/demo/generate';
import { feedSessions, writeSessionFiles } from '../../src/demo/generate-io';
import { fromCompletions } from '../../src/live/day-source';
import { readMoment } from '../../src/live/moment';
import { recordsFallback } from '../../src/live/records-fallback';
import { openStatuslineCache, type StatuslineCache } from '../../src/live/statusline-cache';
import { statusLine } from '../../src/render/statusline';
import { DEFAULT_CONFIG, type Config } from '../../src/schema/config';
import { completionsPath, statuslineCachePath, summaryPath } from '../../src/store/paths';
import { listDays } from '../../src/store/records';
import { localDay } from '../../src/time/period';
import { runCli } from '../support/cli';

// The statusline keeps each day's spend (and the resolved config) in
// .state/.statusline-cache.json. Whatever changes in the store, a line drawn
// through the cache must equal the line drawn without it.

const noIssue = () => {};
const BUDGETS: Config['budgets'] = [
  { period: 'day', usd: 5 },
  { period: 'week', usd: 40, billedTokens: 50_000_000 },
  { period: 'month', billedTokens: 500_000_000 },
];
const config: Config = { ...DEFAULT_CONFIG, budgets: BUDGETS };
/** Every file the test wrote counts as settled: its time is well before this "real" clock. */
const settledClock = () => Date.now() + 60_000;

function drawn(logsDir: string, now: number, cfg: Config, cache?: StatuslineCache) {
  const moment = readMoment({ logsDir, config: cfg, now, session: null, onIssue: noIssue, fallback: () => recordsFallback, cache });
  return { line: statusLine(moment, null, now), budgets: moment.budgets, alerts: moment.alerts, today: moment.today };
}

/** The line through the cache, as the statusline draws it (opened, read through, saved). */
function drawnCached(logsDir: string, now: number, cfg: Config = config, wallNow = settledClock()) {
  const cache = openStatuslineCache(logsDir, wallNow);
  const out = drawn(logsDir, now, cfg, cache);
  cache.save();
  return out;
}

function cachedDays(logsDir: string): string[] {
  return Object.keys((JSON.parse(readFileSync(statuslineCachePath(logsDir), 'utf8')) as { days: object }).days).sort();
}

function week(seed: number) {
  const root = mkdtempSync(join(tmpdir(), 'agent-track-statusline-cache-'));
  const logsDir = join(root, 'project', '.claude', 'execution-logs');
  const sessions = generateSessions({ startDay: new Date(2026, 10, 2).getTime(), days: 7, promptsPerDay: 12, seed, projectDir: join(root, 'project'), claudeHome: join(root, 'claude'), rareOutcomeRate: 0.04 });
  writeSessionFiles(join(root, 'claude'), sessions);
  feedSessions(logsDir, sessions, DEFAULT_CONFIG);
  return { root, logsDir };
}

// The last day of the week, in the evening: every budget period holds days of it.
const now = new Date(2026, 10, 8, 21, 0).getTime();

describe('a generated week', () => {
  const { root, logsDir } = week(7);

  test('a cold cache and a warm one draw the line drawn without one, and the warm one reads no day', () => {
    const plain = drawn(logsDir, now, config);
    expect(plain.today.executions).toBeGreaterThan(0);
    expect(drawnCached(logsDir, now)).toEqual(plain);
    expect(cachedDays(logsDir)).toEqual(listDays(logsDir));
    // Warm: every day comes from the cache (a read would throw).
    const cache = openStatuslineCache(logsDir, settledClock());
    const warm = drawn(logsDir, now, config, { ...cache, day: (day, closed) => cache.day(day, closed, () => { throw new Error(`${day} was read`); }) });
    expect(warm).toEqual(plain);
  });

  test('a day whose files changed within the settle time is read afresh and not kept', () => {
    rmSync(statuslineCachePath(logsDir), { force: true });
    const plain = drawn(logsDir, now, config);
    // Every file changed at `at`; the line drawn 1 s later.
    const at = Date.now() - 10_000;
    touchAll(logsDir, new Date(at));
    expect(drawnCached(logsDir, now, config, at + 1_000)).toEqual(plain);
    expect(existsSync(statuslineCachePath(logsDir))).toBe(false);
  });

  test('a record added to a closed day', () => {
    drawnCached(logsDir, now);
    const before = drawn(logsDir, now, config);
    const more = generateSessions({ startDay: new Date(2026, 10, 5).getTime(), days: 1, promptsPerDay: 3, seed: 99, projectDir: join(root, 'project'), claudeHome: join(root, 'claude') });
    writeSessionFiles(join(root, 'claude'), more);
    expect(feedSessions(logsDir, more, DEFAULT_CONFIG)).toBeGreaterThan(0);
    const after = drawn(logsDir, now, config);
    expect(after.budgets).not.toEqual(before.budgets);
    expect(drawnCached(logsDir, now)).toEqual(after);
  });

  test("a run corrected by a new revision of its line, on a closed day and on today", () => {
    for (const day of ['2026-11-06', localDay(now)]) {
      drawnCached(logsDir, now);
      const path = completionsPath(logsDir, day);
      const first = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as { revision: number; tokens: { input: number } };
      appendFileSync(path, `${JSON.stringify({ ...first, revision: first.revision + 1, tokens: { ...first.tokens, input: first.tokens.input + 5_000_000 } })}\n`);
      const after = drawn(logsDir, now, config);
      expect(fromCompletions(logsDir, day, now)).not.toBeNull();
      expect(drawnCached(logsDir, now)).toEqual(after);
    }
  });

  test('a record removed (an orphan merged into its run) from a closed day', () => {
    drawnCached(logsDir, now);
    const dir = join(logsDir, '2026-11-04');
    const folder = readdirSync(dir).find((name) => lstatSync(join(dir, name)).isDirectory())!;
    const record = readdirSync(join(dir, folder))[0]!;
    rmSync(join(dir, folder, record));
    const after = drawn(logsDir, now, config);
    expect(drawnCached(logsDir, now)).toEqual(after);
  });

  test('a price changed in the config: days are cached without prices, the config on its file', () => {
    const path = join(root, 'project', '.claude', 'agent-track.json');
    const write = (inputPrice: number, at: Date) => {
      writeFileSync(path, JSON.stringify({ budgets: BUDGETS, prices: Object.fromEntries(models.map((m) => [m, { input: inputPrice, output: 10, cacheWrite: 1, cacheRead: 0.1 }])) }));
      utimesSync(path, at, at);
    };
    const models = modelsOf(logsDir);
    expect(models.length).toBeGreaterThan(0);
    write(3, new Date(Date.now() - 3_600_000));
    const load = () => loadConfig(path);
    let cache = openStatuslineCache(logsDir, settledClock());
    const cheap = cache.config(path, load);
    drawn(logsDir, now, cheap, cache);
    cache.save();
    // Unchanged file: from the cache (load is not called), the same config.
    cache = openStatuslineCache(logsDir, settledClock());
    expect(cache.config(path, () => { throw new Error('loaded'); })).toEqual(cheap);
    // Same size, another time: loaded again.
    write(9, new Date(Date.now() - 1_800_000));
    cache = openStatuslineCache(logsDir, settledClock());
    const dear = cache.config(path, load);
    expect(dear.prices[models[0]!]!.input).toBe(9);
    const line = drawn(logsDir, now, dear, cache);
    cache.save();
    expect(line).toEqual(drawn(logsDir, now, dear));
    expect(line.line).not.toEqual(drawn(logsDir, now, cheap).line);
  });

  test('days not read this time (the week before, read only while an agent runs) stay cached', () => {
    drawnCached(logsDir, now);
    const all = cachedDays(logsDir);
    // A day budget alone, nothing running: only today is read.
    drawnCached(logsDir, now, { ...config, budgets: [{ period: 'day', usd: 5 }] });
    expect(cachedDays(logsDir)).toEqual(all);
  });

  test('a cache of another version, broken, or a link is ignored and rewritten', () => {
    const plain = drawn(logsDir, now, config);
    const path = statuslineCachePath(logsDir);
    for (const text of ['{"version":999,"days":{}}', '{"version":1,"days":', '{"version":1,"days":{"2026-11-04":{"fingerprint":1}}}']) {
      writeFileSync(path, text);
      expect(drawnCached(logsDir, now)).toEqual(plain);
      expect(cachedDays(logsDir)).toEqual(listDays(logsDir));
    }
    // A link planted at the cache's name is neither read nor written through.
    const elsewhere = join(root, 'elsewhere.json');
    writeFileSync(elsewhere, readFileSync(path));
    rmSync(path);
    symlinkSync(elsewhere, path);
    const target = readFileSync(elsewhere, 'utf8');
    expect(drawnCached(logsDir, now)).toEqual(plain);
    expect(readFileSync(elsewhere, 'utf8')).toBe(target);
  });
});

describe('a store whose .state is a link', () => {
  const { root, logsDir } = week(5);

  test('the cache is not written through it, and the line is drawn as without it', () => {
    const elsewhere = join(root, 'elsewhere');
    const state = join(logsDir, '.state');
    rmSync(state, { recursive: true, force: true });
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, state);
    const plain = drawn(logsDir, now, config);
    expect(drawnCached(logsDir, now)).toEqual(plain);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

function touchAll(path: string, at: Date): void {
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) touchAll(join(path, name), at);
  utimesSync(path, at, at);
}

function modelsOf(logsDir: string): string[] {
  const out = new Set<string>();
  for (const day of listDays(logsDir)) {
    for (const agent of Object.values(fromCompletions(logsDir, day, now)!.spend.agents)) for (const model of Object.keys(agent.models)) out.add(model);
  }
  return [...out];
}

describe('a generated week, pruned while cached', () => {
  const { logsDir } = week(11);
  // Written long before the test's now, as a store pruned in its time would be.
  touchAll(logsDir, new Date(now - 3_600_000));

  test('the pruned days are read again, from their rollups, to the same line', () => {
    const before = drawnCached(logsDir, now);
    expect(cachedDays(logsDir)).toEqual(listDays(logsDir));
    const pruned = runCli(['--logs-dir', logsDir, 'prune', '--raw', '3d'], { env: { AGENT_TRACK_NOW: new Date(now).toISOString() } });
    expect(pruned.status, pruned.stderr).toBe(0);
    const gone = listDays(logsDir).filter((day) => !existsSync(completionsPath(logsDir, day)) && existsSync(summaryPath(logsDir, day)));
    expect(gone.length).toBeGreaterThanOrEqual(3);
    const after = drawn(logsDir, now, config);
    expect(after).toEqual(before);
    // Each pruned day's entry no longer matches: read again (a read that throws would show it) and kept anew.
    const cache = openStatuslineCache(logsDir, settledClock());
    const read: string[] = [];
    const through = { ...cache, day: (day: string, closed: boolean, fresh: Parameters<StatuslineCache['day']>[2]) => cache.day(day, closed, () => (read.push(day), fresh())) };
    expect(drawn(logsDir, now, config, through)).toEqual(after);
    cache.save();
    expect(read).toEqual(expect.arrayContaining(gone));
    expect(drawnCached(logsDir, now)).toEqual(after);
  });
});
